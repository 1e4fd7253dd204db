"""Every notebook that `nbdev_test` runs (nbs/; tutorials, lessons and `_*` excluded), one pytest item each, run by nbdev's own
`test_nb` (same skip flags, `#| eval: false` honoured). So `pytest -n 2` schedules notebooks and integration tests in one
queue and both cores stay busy until the end. Each notebook runs in a fresh Python process, as a reader's kernel would:
in a shared worker, state that one notebook or test sets (the method registry, Hugging Face progress bars, torch's
thread count) would leak into the next one. The process is forked from `notebook_runner.py`, which imported the heavy
libraries once per worker (≈ 8 s saved per notebook) and nothing of synthlab. Ctrl-C is set back to Python's default
there: `make test` started as a background job of a script has SIGINT ignored in its whole process tree, and a
child would inherit that (02a tests what a held Ctrl-C does)."""
import os, select, signal, subprocess, sys
from pathlib import Path
import pytest
from nbdev.config import get_config
from nbdev.doclinks import nbglob

CFG = get_config()
NOTEBOOKS = sorted(nbglob(CFG.nbs_path, as_path=True, skip_file_re="^_", skip_folder_re="tutorials|lessons"))   # lessons: tests/test_lessons.py


HANG_S = 900   # a notebook still running after this long hangs (the slowest takes ≈ 2.5 min on two busy cores)


class NotebookRunner:
    "This worker's `notebook_runner.py` process, started on first use; killed with its children, and restarted, after a hang."
    def __init__(self): self.proc = None

    def run(self, notebook: Path, log: Path) -> str:
        "Exit code of `notebook`'s run as text ('0': every cell ran), or 'hang' after `HANG_S` seconds."
        if self.proc is None:
            self.proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("notebook_runner.py"))], text=True,
                                         cwd=CFG.config_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        self.proc.stdin.write(f"{notebook}\t{log}\n"); self.proc.stdin.flush()
        if select.select([self.proc.stdout], [], [], HANG_S)[0]: return self.proc.stdout.readline().strip() or "runner died"
        os.killpg(self.proc.pid, signal.SIGKILL); self.proc.wait(); self.proc = None
        return "hang"

    def close(self):
        if self.proc: self.proc.stdin.close(); self.proc.wait(timeout=60)


@pytest.fixture(scope="session")
def notebook_runner():
    "One runner per xdist worker (session-wide: items of several modules interleave on a worker)."
    runner = NotebookRunner(); yield runner; runner.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook(notebook, notebook_runner, tmp_path):
    log = tmp_path/"output.txt"
    code = notebook_runner.run(notebook, log)
    assert code == "0", f"{notebook.name} failed ({code}):\n{log.read_text()[-6000:] if log.exists() else ''}"
