"Integration tests of the generation driver with the real embedded model: kill -9 mid-run, then resume."
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest

SCRIPT = """
import sys, torch
from synthlab.lm import load_lm
from synthlab.fewgen import FewGen
from synthlab.decode import SamplingConfig
from synthlab.generate import generate
torch.set_num_threads(1)
generate(FewGen(per_label=1, sampling=SamplingConfig(max_new_tokens=16, stop=())), "sst2", load_lm(), n=int(sys.argv[2]),
         out=sys.argv[1], seed=3, progress=False)
"""

def run(out, n, **kw):
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(out), str(n)], env={**os.environ, "HF_HUB_OFFLINE": "1"}, **kw)

def test_killed_run_resumes_to_identical_file(tmp_path):
    ref, cut = tmp_path/"ref.jsonl", tmp_path/"cut.jsonl"
    assert run(ref, 6).wait() == 0                      # batches of 2 rows (one per label): at least 3 batches
    p = run(cut, 6)
    while not cut.exists() or len(cut.read_text().splitlines()) < 2:   # kill after at least one batch landed
        assert p.poll() is None, "generation finished before it could be killed"
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait()
    partial = cut.read_text()
    assert 0 < len(partial.splitlines()) < 6
    for line in partial.splitlines(): json.loads(line)          # never a broken line
    assert run(cut, 6).wait() == 0
    assert cut.read_bytes() == ref.read_bytes()
    summary = json.loads(Path(f"{cut}.summary.json").read_text())
    assert summary["n"] == 6 and summary["labels"] == {"negative": 3, "positive": 3}

def test_resume_refuses_other_settings(tmp_path):
    out = tmp_path/"a.jsonl"
    assert run(out, 4).wait() == 0
    p = subprocess.run([sys.executable, "-c", SCRIPT.replace("seed=3", "seed=4"), str(out), "6"], capture_output=True, text=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert p.returncode != 0 and "different seed" in p.stderr
