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

# Seconds a group took in a fresh-clone `make test` on an idle 2-core machine (2026-11-22, `-n 2`; unlisted groups: DEFAULT),
# scaled by the CPU seconds each cut module saved when run alone on a loaded machine (2026-11-22, issue 14: test_server
# 370+ -> 97 CPU-s, test_targen + test_generate ~400 -> 299 CPU-s). Only the order matters: longest first. Update from
# `--durations` when a group's cost moves a lot.
COST = {"test_targen.py": 250, "05_targen.ipynb": 183, "test_server.py": 150, "04_corrsynth.ipynb": 128, "test_ray.py": 100,
        "test_pair_tasks.py": 90, "test_docs.py": 80, "test_pipeline.py": 80, "03_fewgen.ipynb": 74, "test_generate.py": 70,
        "06c_synalign.ipynb": 61, "test_synalign.py": 60, "10b_experiment.ipynb": 56, "13_pipeline.ipynb": 54,
        "04a_judge.ipynb": 52, "test_corrsynth.py": 50, "10_cli.ipynb": 44, "test_export.py": 40}
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
def lm():
    "The embedded model at the dtype this machine picks (`load_lm()`), shared by every module on this worker."
    from synthlab.lm import load_lm
    return load_lm()


@pytest.fixture(scope="session")
def lm_fp32():
    "The embedded model in float32, for tests that compare numbers tightly."
    from synthlab.lm import load_lm
    return load_lm(dtype="float32")
