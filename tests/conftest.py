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

# Estimated seconds each group takes in `make test` (`-n 2`, idle 2 cores): fresh-clone durations scaled by the CPU
# seconds each group saved in the later cuts (issue 14; measured one item at a time, loaded).
# Only the order matters: longest first. Update from `--durations` when a group's cost moves a lot.
COST = {"test_lessons.py": 200, "05_targen.ipynb": 125, "test_shard.py": 125, "test_server.py": 120, "13_pipeline.ipynb": 80,
        "04_corrsynth.ipynb": 80, "10b_experiment.ipynb": 60, "test_eval.py": 65, "test_synalign.py": 50,
        "test_pair_tasks.py": 90, "test_dtypes.py": 30, "04a_judge.ipynb": 55, "test_targen.py": 50, "03_fewgen.ipynb": 50, "06b_align.ipynb": 50,
        "06c_synalign.ipynb": 50, "test_cli_errors.py": 45, "test_corrsynth.py": 50, "09_student.ipynb": 37,
        "test_decode.py": 50, "10_cli.ipynb": 50, "test_export.py": 45, "08_metrics.ipynb": 40, "01_lm.ipynb": 35,
        "06a_explore.ipynb": 30, "test_curate.py": 60, "test_tutorials.py": 60, "test_runfile.py": 40,
        "test_batching.py": 40}
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


def _embedded_in(embedded_lm, dtype: str):
    "The embedded model in `dtype`: the session's own model where this machine picked that dtype, else loaded once more."
    import torch
    from synthlab.lm import load_lm
    return embedded_lm if embedded_lm.dtype == getattr(torch, dtype) else load_lm(dtype=dtype)


@pytest.fixture(scope="session")
def lm_fp32(embedded_lm):
    "The embedded model in float32, for tests that compare numbers tightly: the same model where this machine picked float32."
    return _embedded_in(embedded_lm, "float32")


@pytest.fixture(scope="session")
def lm_bf16(embedded_lm):
    "The embedded model in bfloat16 (what CPUs with AMX or avx512_bf16 pick; it runs on any CPU, only slower without them)."
    return _embedded_in(embedded_lm, "bfloat16")


DTYPES = ("float32", "bfloat16")


@pytest.fixture(params=DTYPES)
def lm_each_dtype(request):
    """The embedded model in each dtype a machine may pick, whatever this machine picks: a dtype-sensitive test runs twice,
    so an fp32-only machine catches a bf16 failure before a bf16 machine's CI does (and the other way round)."""
    return request.getfixturevalue("lm_fp32" if request.param == "float32" else "lm_bf16")


def fails(capsys, *argv) -> str:
    "Run the CLI; assert exit 2 and one error line on stderr; return that line."
    from synthlab.cli import main
    with pytest.raises(SystemExit) as e: main([str(a) for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2, err
    assert err and err[-1].startswith(f"synthlab {argv[0]}: error: "), err
    return err[-1]
