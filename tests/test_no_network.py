"""Issue 29, item 5: nothing touches the network unless the user asked for the hub (`HF_HUB_OFFLINE=0`).

Each case runs in a fresh interpreter with `HF_HUB_OFFLINE` unset and every proxy pointing at a closed port on
loopback (what a stalled or broken proxy looks like): a typo'd `--model` / `--student` must fail in one line, naming
the id and what to do, within 5 s of the command starting (after Python's imports, which the wrapper times apart),
and a server whose tokenizer is not local must fall back at once instead of retrying the hub."""
import os, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMED = """
import sys, time, json, warnings
import torch, transformers, huggingface_hub   # the imports are not what is timed
from synthlab.cli import main
argv = json.loads(sys.argv[1])
t0 = time.monotonic()
if argv[0] == "server":
    from synthlab.server import ServerLM
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        lm = ServerLM("http://127.0.0.1:9/v1", argv[1])
    print("WARN", *[str(x.message) for x in w], file=sys.stderr); code = 0 if lm.tokenizer is None else 1
else:
    try: main(argv); code = 0
    except SystemExit as e: code = e.code
print(f"SECONDS {time.monotonic() - t0:.2f}", file=sys.stderr)
sys.exit(code)
"""


def run_offline_unset(tmp_path, argv) -> tuple:
    "(exit code, stderr lines, seconds the command took) in a fresh process with HF_HUB_OFFLINE unset and a dead proxy."
    import json
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")}
    dead = "http://127.0.0.1:9"                      # the discard port: closed on loopback
    env.update(PYTHONPATH=str(ROOT), HTTPS_PROXY=dead, HTTP_PROXY=dead, https_proxy=dead, http_proxy=dead, NO_PROXY="", no_proxy="",
               HF_HOME=str(tmp_path/"hf"), OMP_NUM_THREADS="1")  # an empty hub cache: nothing of the hub is local
    p = subprocess.run([sys.executable, "-c", TIMED, json.dumps([str(a) for a in argv])], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    lines = p.stderr.strip().splitlines()
    secs = float(next(l for l in lines if l.startswith("SECONDS ")).split()[1])
    return p.returncode, [l for l in lines if not l.startswith("SECONDS ")], secs


def test_typo_model_fails_fast_in_one_line_without_network(tmp_path):
    code, err, secs = run_offline_unset(tmp_path, ["generate", "--task", "sst2", "--n", "2", "--out", tmp_path/"o.jsonl",
                                                   "--model", "HuggingFaceTB/SmolLM2-135M-Instrukt"])
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("synthlab generate: error: model not found: 'HuggingFaceTB/SmolLM2-135M-Instrukt'")
    assert "set HF_HUB_OFFLINE=0" in err[0]
    assert secs < 5, secs
    assert not (tmp_path/"o.jsonl").exists()


def test_typo_student_fails_fast_in_one_line_without_network(tmp_path):
    train = tmp_path/"t.jsonl"; train.write_text('{"text": "a fine film", "label": "positive"}\n')
    code, err, secs = run_offline_unset(tmp_path, ["evaluate", "--train", train, "--test", "sst2:validation",
                                                   "--student", "distilbert-base-uncazed"])
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("synthlab evaluate: error: student not found: 'distilbert-base-uncazed'") and "HF_HUB_OFFLINE=0" in err[0]
    assert secs < 5, secs


def test_server_tokenizer_is_local_only_unless_asked(tmp_path):
    "A served name that is not a local folder or cached id: one warning naming --tokenizer, at once (no hub retries)."
    code, err, secs = run_offline_unset(tmp_path, ["server", "HuggingFaceTB/SmolLM2-360M-Instruct"])
    assert code == 0, err
    assert len(err) == 1 and "no local tokenizer for 'HuggingFaceTB/SmolLM2-360M-Instruct'" in err[0] and "--tokenizer" in err[0]
    assert secs < 5, secs


def test_hub_split_is_not_tried_unless_asked(tmp_path):
    "A split the card keeps only on the hub (IMDb's train): one line naming HF_HUB_OFFLINE=0, at once (no hub retries)."
    syn = tmp_path/"s.jsonl"
    syn.write_text('{"text": "a fine film", "label": "positive"}\n{"text": "a dull film", "label": "negative"}\n')
    code, err, secs = run_offline_unset(tmp_path, ["align", "--synthetic", syn, "--real", "imdb:train",
                                                   "--out", tmp_path/"o.jsonl"])
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("synthlab align: error: imdb:train: split 'train' is not on the card's local splits")
    assert "stanfordnlp/imdb" in err[0] and "set HF_HUB_OFFLINE=0" in err[0]
    assert secs < 5, secs
    assert not (tmp_path/"o.jsonl").exists()
