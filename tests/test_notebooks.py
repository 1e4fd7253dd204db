"""Every notebook that `nbdev_test` runs (nbs/, tutorials and `_*` excluded), one pytest item each, run by nbdev's own
`test_nb` (same skip flags, `#| eval: false` honoured). So `pytest -n 2` schedules notebooks and integration tests in one
queue and both cores stay busy until the end."""
import pytest
from nbdev import test as nbdev_testing
from nbdev.config import get_config
from nbdev.doclinks import nbglob

CFG = get_config()
NOTEBOOKS = sorted(nbglob(CFG.nbs_path, as_path=True, skip_file_re="^_", skip_folder_re="tutorials"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook(notebook):
    ok, _ = nbdev_testing.test_nb(notebook, skip_flags=CFG.tst_flags.split(), basepath=CFG.config_path)
    assert ok, f"{notebook.name} failed: its traceback is in the captured stderr above"
