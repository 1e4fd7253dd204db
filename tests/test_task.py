"Integration tests for the data layer that need real processes or a build: crash-safety of RecordWriter, data-dir discovery, cards in the wheel."
import os
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
import shutil, signal, subprocess, sys, textwrap, time, warnings, zipfile
from pathlib import Path

import pytest
from synthlab.task import get_task
from synthlab.data import data_dir, load_split
from synthlab.records import RecordWriter, RecordError, read_records

REPO = Path(__file__).resolve().parent.parent


def _run_child(code, *args, wait=True, **kw):
    "Run `code` in a fresh interpreter (optionally in the background)."
    cmd = [sys.executable, "-c", textwrap.dedent(code), *map(str, args)]
    if wait: return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_sigkill_mid_write_leaves_only_complete_records(tmp_path):
    "A child writes 3 batches, starts a 4th that only half reaches the file, and is SIGKILLed: reopening keeps the 30 whole records."
    out = tmp_path / "runs" / "recs.jsonl"
    r = _run_child("""
        import os, signal, sys, json
        from synthlab.records import RecordWriter
        w = RecordWriter(sys.argv[1])
        for b in range(3): w.write_batch([{"text": f"row {10*b+i}", "label": "a", "meta": {"id": 10*b+i}} for i in range(10)])
        line = json.dumps({"text": "row 30", "label": "a", "meta": {"id": 30}}).encode()
        w._f.write(line[: len(line) // 2]); w._f.flush()   # the interrupted write of batch 4
        os.kill(os.getpid(), signal.SIGKILL)
    """, out)
    assert r.returncode == -signal.SIGKILL, r.stderr
    # line 32: the run file's header line, then 30 records, then the torn one
    with pytest.raises(RecordError, match=r"recs.jsonl:32: malformed JSON line"): read_records(out)
    with pytest.warns(UserWarning, match="dropped a torn last line"):
        w = RecordWriter(out)
    with w:
        assert [rec["meta"]["id"] for rec in w.existing] == list(range(30))
        assert w.dropped_bytes > 0
        w.write_batch([{"text": "row 30", "label": "a", "meta": {"id": 30}}])
    assert [rec["meta"]["id"] for rec in read_records(out)] == list(range(31))
    assert out.read_bytes().endswith(b"\n")


def test_repeated_sigkill_and_resume(tmp_path):
    "A child resumes from the file and writes large batches until SIGKILLed at a random moment; after several rounds the ids are contiguous."
    out = tmp_path / "recs.jsonl"
    child = """
        import sys
        from synthlab.records import RecordWriter
        w = RecordWriter(sys.argv[1])
        start = len(w.existing)
        print(start, flush=True)
        i = start
        while True:
            w.write_batch([{"text": f"row {i+j} " + "x" * 3000, "label": "a", "meta": {"id": i + j}} for j in range(100)])
            i += 100
    """
    seen = []
    for rnd, delay in enumerate([0.3, 0.55, 0.8, 0.45]):
        p = _run_child(child, out, wait=False)
        start = int(p.stdout.readline())   # the child has opened (and repaired) the file
        seen.append(start)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL); p.wait(timeout=30)
        assert p.returncode == -signal.SIGKILL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # a torn line may or may not have been left
        with RecordWriter(out) as w: recs = w.existing
    ids = [r["meta"]["id"] for r in recs]
    assert ids == list(range(len(ids))) and len(ids) > seen[-1] >= seen[1] > 0
    assert all(r["text"] == f"row {r['meta']['id']} " + "x" * 3000 for r in recs)
    assert seen == sorted(seen)            # every round resumed at or after the previous one
    read_records(out)                      # the repaired file is strictly valid


def test_lock_is_released_when_the_holder_dies(tmp_path):
    out = tmp_path / "recs.jsonl"
    p = _run_child("""
        import sys, time
        from synthlab.records import RecordWriter
        w = RecordWriter(sys.argv[1]); w.write_batch([{"text": "hi", "label": "a"}])
        print("ready", flush=True); time.sleep(60)
    """, out, wait=False)
    assert p.stdout.readline().strip() == "ready"
    with pytest.raises(RuntimeError, match="already open in another RecordWriter"): RecordWriter(out)
    p.send_signal(signal.SIGKILL); p.wait(timeout=30)
    with RecordWriter(out) as w: assert len(w.existing) == 1


@pytest.mark.parametrize("cwd", [REPO, REPO / "tests", REPO / "nbs", Path("/")])
def test_data_dir_found_from_any_cwd(cwd, monkeypatch):
    """Without SYNTHLAB_DATA the shared data is found from the repo root, tests/, nbs/ and an unrelated folder (via the package).
    Here, not in a child: `data_dir` looks at the folder and the environment at each call (nothing is cached)."""
    monkeypatch.delenv("SYNTHLAB_DATA", raising=False); monkeypatch.chdir(cwd)
    d = data_dir()
    assert (d / "sst2" / "validation.jsonl").is_file() and len(load_split("sst2", "validation")) == 872


def test_synthlab_data_env_wins(tmp_path, monkeypatch):
    (tmp_path / "sst2").mkdir()
    (tmp_path / "sst2" / "validation.jsonl").write_text('{"text": "good .", "label": "positive"}\n{"text": "bad .", "label": "negative"}\n')
    monkeypatch.setenv("SYNTHLAB_DATA", str(tmp_path)); monkeypatch.chdir(REPO)   # the shared data is next to the repo, yet loses
    assert load_split("sst2", "validation")["label"][:] == ['positive', 'negative']


def test_full_splits_load_with_expected_sizes():
    "Row counts of every built-in local split, as published in the data README."
    sizes = {"sst2": {"train": 67349, "validation": 872}, "imdb": {"test": 1000}, "ag_news": {"train": 581, "test": 7600},
             "trec": {"train": 5452, "test": 500}, "cb": {"train": 250, "validation": 56, "train_fewglue32": 32},
             "rte": {"train": 2490, "validation": 277, "train_fewglue32": 32},
             "copa": {"train": 400, "validation": 100, "train_fewglue32": 32},
             "wic": {"train": 32, "validation": 638, "train_tokenized": 5428}, "boolq": {"train": 32, "validation": 3270}}
    for name, splits in sizes.items():
        t = get_task(name)
        assert set(t.splits) == set(splits), name
        for split, n in splits.items():
            ds = load_split(t, split)
            assert len(ds) == n, (name, split)
            assert ds.column_names == [*t.fields, "label"]
            assert set(ds.unique("label")) == set(t.labels), (name, split)

def test_wheel_carries_the_builtin_cards(tmp_path):
    "The built-in cards are package data: a wheel built from the repo holds every `synthlab/cards/*.yaml`."
    pytest.importorskip("setuptools")
    src = tmp_path/"src"   # a copy, so the build leaves no build/ or egg-info in the checkout
    src.mkdir()
    for f in ("setup.py", "settings.ini", "MANIFEST.in", "README.md"):
        if (REPO/f).is_file(): shutil.copy(REPO/f, src/f)
    shutil.copytree(REPO/"synthlab", src/"synthlab", ignore=shutil.ignore_patterns("__pycache__"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path/"dist")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    names = zipfile.ZipFile(next((tmp_path/"dist").glob("synthlab-*.whl"))).namelist()
    cards = sorted(p.name for p in (REPO/"synthlab"/"cards").glob("*.yaml"))
    assert len(cards) == 9 and sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("synthlab/cards/")) == cards
