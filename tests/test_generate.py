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

def test_resume_refuses_other_settings(lm, tmp_path):
    "In this process on the session model (03_fewgen shows a changed k_shots refused; here: the seed)."
    from synthlab.decode import SamplingConfig
    from synthlab.fewgen import FewGen
    from synthlab.generate import generate
    method = lambda: FewGen(per_label=1, sampling=SamplingConfig(max_new_tokens=16, stop=()))
    out = tmp_path/"a.jsonl"
    generate(method(), "sst2", lm, n=2, out=out, seed=3, progress=False)
    before = out.read_bytes()
    with pytest.raises(ValueError, match="different seed"): generate(method(), "sst2", lm, n=4, out=out, seed=4, progress=False)
    assert out.read_bytes() == before
