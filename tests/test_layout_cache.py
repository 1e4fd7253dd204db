"""Issue 29, item 12: two processes measuring the weight layout at once both keep their entry in layouts.json.

Each process adds 40 keys to the same file (the measurement itself replaced by a constant: what is under test is the
read-add-replace of the cache). Without a lock, one process replaces the file with its own view and the other's fresh
entries are lost."""
import json, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRITER = """
import sys
from pathlib import Path
from synthlab.hardware import _cached_speedup
path, who = Path(sys.argv[1]), sys.argv[2]
for i in range(40): _cached_speedup(f"{who}-{i}", lambda: 1.0, path)
"""


def test_two_processes_writing_layouts_json_lose_nothing(tmp_path):
    path = tmp_path / "layouts.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), who], env=env) for who in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    known = json.loads(path.read_text())
    assert sorted(known) == sorted(f"{w}-{i}" for w in "ab" for i in range(40))
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]    # every write was atomic (no temp left)
