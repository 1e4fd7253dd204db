"""Sharded generation from the command line, without Ray: `generate --shards K` == its shards run apart (one of them
killed mid-run and resumed) and joined with `merge`. SST-2 FewGen on the embedded model, n=8 in 2 shards."""
import os, signal, subprocess, sys, time
from pathlib import Path

import pytest
import torch

from synthlab.cli import main
from synthlab.shard import count_lines, shard_path
from synthlab.records import read_records

SMALL = ["--task", "sst2", "--n", "8", "--seed", "5", "--k-shots", "1", "--per-label", "1", "--max-new-tokens", "24"]

def cli(*args): main(["generate", *SMALL, *args])

@pytest.fixture(scope="module", autouse=True)
def one_thread():
    "One math thread, as in each shard's subprocess, so both decode the same floats."
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

def test_shards_run_apart_and_merged_equal_the_sharded_run(tmp_path, capsys):
    whole, apart = tmp_path/"whole.jsonl", tmp_path/"apart.jsonl"
    cli("--out", str(whole), "--shards", "2")                       # all shards here, then merge
    cli("--out", str(apart), "--shards", "2", "--shard", "1")       # shard 1 first
    # shard 0 in its own process, killed once its first batch is on disk
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    p = subprocess.Popen([sys.executable, "-c", "from synthlab.cli import main; main()", "generate", *SMALL, "--out", str(apart),
                          "--shards", "2", "--shard", "0"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target, lines, deadline = shard_path(apart, 0, 2), 0, time.time() + 240
    while p.poll() is None and time.time() < deadline:
        lines = count_lines(target)
        if 1 <= lines < 4: os.kill(p.pid, signal.SIGKILL); break
        time.sleep(0.02)
    p.wait(timeout=60)
    assert p.returncode == -signal.SIGKILL, f"shard 0 ended on its own (exit {p.returncode}) before it could be killed"
    assert 1 <= count_lines(target) < 4
    cli("--out", str(apart), "--shards", "2", "--shard", "0")       # resumes from its file
    main(["merge", "--out", str(apart), "--shards", "2"])
    for i in range(2): assert shard_path(apart, i, 2).read_bytes() == shard_path(whole, i, 2).read_bytes()
    assert apart.read_bytes() == whole.read_bytes()
    recs = read_records(apart)
    assert [r["label"] for r in recs].count("positive") == 4 and len(recs) == 8
    assert "per label" in capsys.readouterr().out

def test_errors_name_the_problem(tmp_path, capsys):
    for args, msg in [(["--out", "x.jsonl", "--shards", "2", "--shard", "2"], "shard must be in 0..1, got 2"),
                      (["--out", "x.jsonl", "--shard", "0"], "--shard I needs --shards K"),
                      (["--out", "x.jsonl", "--shards", "2", "--shard", "0", "--ray"], "use one of them")]:
        with pytest.raises(SystemExit) as e: cli(*args)
        assert e.value.code == 2 and msg in capsys.readouterr().err
    with pytest.raises(SystemExit): main(["merge", "--out", str(tmp_path/"none.jsonl"), "--shards", "3"])
    assert "missing shard file(s)" in capsys.readouterr().err
