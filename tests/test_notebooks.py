"""Every notebook that `nbdev_test` runs (nbs/, tutorials and `_*` excluded), one pytest item each, run by nbdev's own
`test_nb` (same skip flags, `#| eval: false` honoured). So `pytest -n 2` schedules notebooks and integration tests in one
queue and both cores stay busy until the end. Each notebook runs in a fresh Python process, as a reader's kernel would:
in a shared worker, state that one notebook or test sets (the method registry, Hugging Face progress bars, torch's
thread count) would leak into the next one. The process is forked from `notebook_runner.py`, which imported the heavy
libraries once per worker (≈ 8 s saved per notebook) and nothing of synthlab. Ctrl-C is set back to Python's default
there: an xdist worker ignores SIGINT, and a child would inherit that (02a tests what a held Ctrl-C does)."""
import subprocess, sys
from pathlib import Path
import pytest
from nbdev.config import get_config
from nbdev.doclinks import nbglob

CFG = get_config()
NOTEBOOKS = sorted(nbglob(CFG.nbs_path, as_path=True, skip_file_re="^_", skip_folder_re="tutorials"))


@pytest.fixture(scope="session")
def notebook_runner():
    "This worker's `notebook_runner.py` process (session-wide: items of several modules interleave on a worker)."
    runner = subprocess.Popen([sys.executable, str(Path(__file__).with_name("notebook_runner.py"))], cwd=CFG.config_path,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    yield runner
    runner.stdin.close(); runner.wait(timeout=60)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook(notebook, notebook_runner, tmp_path):
    log = tmp_path/"output.txt"
    notebook_runner.stdin.write(f"{notebook}\t{log}\n"); notebook_runner.stdin.flush()
    code = notebook_runner.stdout.readline().strip()
    assert code == "0", f"{notebook.name} failed (exit {code or 'runner died'}):\n{log.read_text()[-6000:] if log.exists() else ''}"
