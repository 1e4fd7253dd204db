"""Sharded generation, SST-2 FewGen on the embedded model, n=8 in 2 shards. The reference is `generate --shards 2`: every
shard here, one by one, then merged. A shard run apart from the command line (SIGKILLed mid-run and
resumed from its file) and both shards as Ray tasks on a real local cluster of one CPU (one worker SIGKILLed once its first record is on
disk, the task retried in a new worker) must give the same bytes, shard by shard and merged. Where the shards run in this
process they use the session's model (conftest's `lm`), not a second copy."""
import os, shutil, signal, threading, time
from pathlib import Path

import pytest
import torch

from conftest import kill_generate
from synthlab.cli import main, make_parser
from synthlab.configure import build_method
from synthlab.records import read_records
from synthlab import shard
from synthlab.shard import ShardJob, count_lines, merge, run_ray, shard_path, start_ray
from synthlab.task import get_task

# 24 new tokens: at 16 rejected replies (cut off: truncated) were retried until the 8 records cost 92 CPU s
# per pass (measured, one thread); at 24 the same job costs 32. `--per-label 1`: a shard writes at least two batches
SMALL = ["--task", "sst2", "--n", "8", "--seed", "5", "--k-shots", "1", "--per-label", "1", "--max-new-tokens", "24"]

def cli(*args): main(["generate", *SMALL, *args])

@pytest.fixture(scope="module", autouse=True)
def one_thread():
    "One math thread, as in each Ray worker (and each shard's process on a cluster), so all decode the same floats."
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

@pytest.fixture(scope="module", autouse=True)
def session_model(lm):
    "Shards run here (`worker_lm`, once per process) get the session's model: what `load_lm()` would load, without a second load."
    key = ("smollm2-135m", ())
    before = shard._LMS.get(key)
    shard._LMS[key] = lm
    yield
    if before is None: shard._LMS.pop(key, None)
    else: shard._LMS[key] = before

@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    "The reference: `generate --shards 2` runs both shards here one after the other, then merges."
    out = tmp_path_factory.mktemp("whole")/"sst2.jsonl"
    cli("--out", str(out), "--shards", "2")
    return out

def same_bytes(out, ref):
    for i in range(2): assert shard_path(out, i, 2).read_bytes() == shard_path(ref, i, 2).read_bytes(), f"shard {i} differs"
    assert Path(out).read_bytes() == Path(ref).read_bytes()

def test_shards_run_apart_and_merged_equal_the_sharded_run(whole, tmp_path, capsys):
    apart = tmp_path/"apart.jsonl"
    # shard 1 as the sharded run wrote it: running it alone here again would decode what shard 0 checks below (a shard
    # run alone, then resumed, gives the sharded run's bytes); 12_shard runs a shard alone before the whole job
    shutil.copy(shard_path(whole, 1, 2), shard_path(apart, 1, 2))
    # shard 0 in its own process, SIGKILLed once its first batch is on disk (the only real kill of a CLI `generate` in the
    # suite: test_generate's and test_runfile's were folded into this one), then resumed here from its file
    target = shard_path(apart, 0, 2)
    kill_generate(["generate", *SMALL, "--out", apart, "--shards", "2", "--shard", "0"], lambda: count_lines(target))
    cli("--out", str(apart), "--shards", "2", "--shard", "0")       # resumes from its file
    main(["merge", "--out", str(apart), "--shards", "2"])
    same_bytes(apart, whole)
    text = target.read_text()          # the resumed file is a run file: one header first, no record repeats its prompt
    assert text.startswith('{"@run"') and text.count('{"@run"') == 1 and '"prompt":' not in text.splitlines()[-1]
    recs = read_records(apart)
    assert [r["label"] for r in recs].count("positive") == 4 and len(recs) == 8
    assert "per label" in capsys.readouterr().out

@pytest.fixture(scope="module")
def cluster():
    """A local cluster of one CPU: the shards run one after the other in one worker, then the killed shard's retry in a second.
    On a busy machine Ray's raylet can abort at start-up (its agents must report within a fixed 15 s, ray-project/ray#65983):
    each try then fails after 60 s instead of Ray's 120, and a second try starts (the notebooks run at a lower priority,
    `notebook_runner.py`, so that Ray's daemons get the CPU they need)."""
    os.environ["RAY_raylet_start_wait_time_s"] = "60"
    try: r = start_ray(num_cpus=1, tries=2)
    except RuntimeError as e: pytest.skip(f"no local Ray cluster: {e}")   # a machine too busy for Ray's start-up, not a shard bug
    yield r
    r.shutdown()

def _holders(path) -> list:
    "Process ids that hold `path` open (the shard's RecordWriter), found through /proc."
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try: fds = os.listdir(f"/proc/{pid}/fd")
        except OSError: continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path): out.append(int(pid)); break
            except OSError: pass
    return [p for p in out if p != os.getpid()]

def test_ray_shards_with_a_killed_worker_equal_the_one_by_one_run(whole, cluster, tmp_path):
    "Both shards as Ray tasks (the job and method the CLI builds); shard 0's worker is killed after its first record."
    out = tmp_path/"ray.jsonl"
    o = make_parser().parse_args(["generate", *SMALL, "--out", str(out), "--shards", "2"])
    job = ShardJob(get_task(o.task), n=o.n, out=o.out, shards=2, seed=o.seed, spare=o.spare, model=o.model,
                   lm_kwargs={a: getattr(o, a) for a in ("dtype", "device") if getattr(o, a, None)})   # as `generate --shards` builds it
    method = build_method(o.method, o, job.task)
    result, killed = {}, {}
    runner = threading.Thread(target=lambda: result.update(reports=run_ray(job, method, max_retries=2, progress=False)))
    runner.start()
    target, deadline = job.path(0), time.time() + 240
    while runner.is_alive() and time.time() < deadline and not killed:
        lines = count_lines(target)
        if 1 <= lines < 4:                     # shard 0 is mid-run: a batch written, more to come
            for pid in _holders(target): os.kill(pid, signal.SIGKILL); killed.update(pid=pid, lines=lines)
        time.sleep(0.02)
    runner.join(timeout=300)
    assert killed, "shard 0 finished before it could be killed"
    assert "reports" in result, "the Ray run did not complete"
    rep0, rep1 = result["reports"]
    assert rep0["pid"] != killed["pid"] and rep0["resumed"] >= killed["lines"]   # retried elsewhere, resumed from its file
    assert rep1["n"] == 4 and rep1["resumed"] == 0
    summary = merge(job.out, job.shards)
    assert summary["labels"] == {"negative": 4, "positive": 4}
    same_bytes(out, whole)                     # on Ray, crash and retry included == one by one here

def test_errors_name_the_problem(tmp_path, capsys):
    for args, msg in [(["--out", "x.jsonl", "--shards", "2", "--shard", "2"], "shard must be in 0..1, got 2"),
                      (["--out", "x.jsonl", "--shard", "0"], "--shard I needs --shards K"),
                      (["--out", "x.jsonl", "--shards", "2", "--shard", "0", "--ray"], "use one of them")]:
        with pytest.raises(SystemExit) as e: cli(*args)
        assert e.value.code == 2 and msg in capsys.readouterr().err
    with pytest.raises(SystemExit): main(["merge", "--out", str(tmp_path/"none.jsonl"), "--shards", "3"])
    assert "missing shard file(s)" in capsys.readouterr().err
