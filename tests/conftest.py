"""Shared set-up of `make test` (pytest -n 2 over tests/, the notebooks included through test_notebooks.py).

Tests start longest first (by the group, a notebook or a test module, they belong to), so the two workers finish
together. Each item also carries an `xdist_group` mark for `--dist loadgroup`, which would keep a module's shared
fixtures on one worker; with pytest 9.2 and xdist 3.8 that mode did not group (a 4-test check put one group on both
workers), so `make test` uses `--dist load`. The embedded model is a session fixture: loaded once per worker.
"""
import os
for k, v in dict(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", TRANSFORMERS_VERBOSITY="error").items():
    os.environ.setdefault(k, v)
import pytest

# Estimated seconds each group takes in `make test` (`-n 2`, idle 2 cores): the fresh-clone durations of 2026-11-22 scaled
# by the CPU seconds each group saved when the suite was cut (2026-11-23, issue 14; measured one item at a time, loaded).
# Only the order matters: longest first. Update from `--durations` when a group's cost moves a lot.
COST = {"05_targen.ipynb": 150, "test_shard.py": 140, "test_server.py": 120, "13_pipeline.ipynb": 100,
        "04_corrsynth.ipynb": 90, "10b_experiment.ipynb": 75, "test_eval.py": 80, "test_synalign.py": 80,
        "test_pair_tasks.py": 45, "04a_judge.ipynb": 78, "test_targen.py": 75, "03_fewgen.ipynb": 65, "06b_align.ipynb": 60,
        "06c_synalign.ipynb": 60, "test_cli_errors.py": 60, "test_corrsynth.py": 60, "09_student.ipynb": 55,
        "test_decode.py": 55, "10_cli.ipynb": 55, "test_export.py": 50, "08_metrics.ipynb": 50, "01_lm.ipynb": 40,
        "06a_explore.ipynb": 40}
DEFAULT = 30


def group(item) -> str:
    "A notebook's name for a notebook item, else the test module's file name."
    nb = getattr(item, "callspec", None) and item.callspec.params.get("notebook")
    return nb.name if nb is not None else item.path.name


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    "Mark and sort before every other implementation runs (xdist's turns the marks into groups)."
    for it in items: it.add_marker(pytest.mark.xdist_group(group(it)))
    items.sort(key=lambda it: -COST.get(group(it), DEFAULT))    # stable: a module keeps its own order
    return (yield)


@pytest.fixture(scope="session")
def embedded_lm():
    "The embedded model at the dtype this machine picks (`load_lm()`): loaded once per worker."
    from synthlab.lm import load_lm
    return load_lm()


@pytest.fixture(scope="session")
def lm(embedded_lm):
    "The embedded model, shared by every module on this worker (a module may override `lm`, e.g. with `lm_fp32`)."
    return embedded_lm


@pytest.fixture(scope="session")
def lm_fp32(embedded_lm):
    "The embedded model in float32, for tests that compare numbers tightly: the same model where this machine picked float32."
    import torch
    from synthlab.lm import load_lm
    return embedded_lm if embedded_lm.dtype == torch.float32 else load_lm(dtype="float32")
