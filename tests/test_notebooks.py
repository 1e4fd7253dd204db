"""Every notebook that `nbdev_test` runs (nbs/, tutorials and `_*` excluded), one pytest item each, run by nbdev's own
`test_nb` (same skip flags, `#| eval: false` honoured). So `pytest -n 2` schedules notebooks and integration tests in one
queue and both cores stay busy until the end. Each notebook runs in a fresh Python process, as a reader's kernel would:
in a shared worker, state that one notebook or test sets (the method registry, Hugging Face progress bars, torch's
thread count) would leak into the next one. Ctrl-C is set back to Python's default in each: an xdist worker ignores
SIGINT, and a child would inherit that (02a tests what a held Ctrl-C does)."""
import signal, subprocess, sys
import pytest
from nbdev.config import get_config
from nbdev.doclinks import nbglob

CFG = get_config()
NOTEBOOKS = sorted(nbglob(CFG.nbs_path, as_path=True, skip_file_re="^_", skip_folder_re="tutorials"))
RUN = ("import sys; from pathlib import Path; from nbdev.test import test_nb; from nbdev.config import get_config; c = get_config(); "
       "ok, _ = test_nb(Path(sys.argv[1]), skip_flags=c.tst_flags.split(), basepath=c.config_path); sys.exit(0 if ok else 1)")


def default_sigint(): signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook(notebook):
    run = subprocess.run([sys.executable, "-c", RUN, str(notebook)], capture_output=True, text=True, cwd=CFG.config_path,
                         preexec_fn=default_sigint)
    assert run.returncode == 0, f"{notebook.name} failed:\n{run.stderr[-6000:]}"
