"""Shared set-up of `make test` (pytest -n 2 over tests/, the notebooks included through test_notebooks.py).

Tests start longest first, by the group they belong to (a notebook, or a test module), and `make test` hands out whole
groups (`--dist loadgroup --no-loadscope-reorder`): a worker takes the next group in that order when it has at most two
tests left, so the two workers finish together, and a module's fixtures (a server, a Ray cluster, JupyterLab) start on
one worker only. xdist 3.8 names a group by appending `@group` to each test's id, through an attribute that pytest 9.2
no longer reads (its ids are `NodeId`s): `pytest_collection_modifyitems` below appends it the pytest 9.2 way (measured:
without it every group was split between the workers). The embedded model is a session fixture: loaded once per worker.
"""
import os
for k, v in dict(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", TRANSFORMERS_VERBOSITY="error").items():
    os.environ.setdefault(k, v)
import pytest

# Seconds each group takes (one worker's time, summed over its items), measured in session 52 under `make test-avx2`'s
# caps (float32, the slower path) on the AMD EPYC, quiet (`make test` in bf16 there: 0.7-0.9x each item).
# Only the order matters: longest first, so that the two workers finish together (before this table, test_safety.py was
# unlisted and started last: one worker idled 74 s). Update from `--durations` when a group's cost moves.
COST = {"test_lessons.py": 212, "05_targen.ipynb": 110, "test_pair_tasks.py": 106, "test_targen.py": 93, "test_decode.py": 91,
        "test_shard.py": 81, "test_synalign.py": 76, "test_corrsynth.py": 74, "test_curate.py": 71, "test_server.py": 60,
        "test_safety.py": 59, "12_shard.ipynb": 57, "10_cli.ipynb": 50, "10b_experiment.ipynb": 49, "04_corrsynth.ipynb": 46,
        "test_tutorials.py": 45, "03_fewgen.ipynb": 40, "13_pipeline.ipynb": 37, "01_lm.ipynb": 37, "04a_judge.ipynb": 31,
        "test_export.py": 27, "test_batching.py": 26, "06d_curate.ipynb": 26, "11_export.ipynb": 25, "test_cli_errors.py": 21,
        "06c_synalign.ipynb": 19, "test_no_network.py": 16, "test_docs.py": 15, "test_dtypes.py": 15}
DEFAULT = 10


def group(item) -> str:
    "A notebook's name for a notebook item, else the test module's file name."
    nb = getattr(item, "callspec", None) and item.callspec.params.get("notebook")
    return nb.name if nb is not None else item.path.name


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    "Mark and sort before every other implementation runs (xdist's turns the marks into groups), then name the groups."
    for it in items: it.add_marker(pytest.mark.xdist_group(group(it)))
    items.sort(key=lambda it: -COST.get(group(it), DEFAULT))    # stable: a module keeps its own order
    result = yield
    if getattr(config.option, "loadgroup", False):              # an xdist worker under --dist loadgroup
        for it in items:
            if "@" not in it.nodeid.rpartition("]")[2] and hasattr(it, "_id"):   # pytest ≥ 9.2: xdist's `_nodeid` is not read
                from _pytest.nodeid import NodeId
                it._id = NodeId.parse(f"{it.nodeid}@{group(it)}")
    return result


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


def kill_generate(argv: list, count, lo: int = 1, hi: int = 4, timeout: float = 240):
    """Run `synthlab ARGV` in its own process (one math thread) and SIGKILL it once `count()` (records on disk) is in
    [`lo`, `hi`): what a crash mid-run leaves. Fails if it ends on its own or never gets there within `timeout` s."""
    import signal, subprocess, sys, time
    p = subprocess.Popen([sys.executable, "-c", "from synthlab.cli import main; main()", *map(str, argv)],
                         env={**os.environ, "OMP_NUM_THREADS": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed, deadline = False, time.time() + timeout
    while not killed and p.poll() is None and time.time() < deadline:
        if lo <= count() < hi: os.kill(p.pid, signal.SIGKILL); killed = True
        else: time.sleep(0.02)
    if p.poll() is None and not killed: p.kill()
    p.wait(timeout=60)
    assert killed, f"synthlab {argv[0]} ended (exit {p.returncode}) or timed out before it could be killed"
    assert lo <= count() < hi


CARD_WITHOUT_DATA = """\
name: bank_intent
description: Messages that customers of an online bank type into its support chat.
instance: customer message
fields: [text]
labels:
  card lost: the customer reports a lost or stolen bank card
  refund: the customer asks for money back for a purchase or a fee
  exchange rate: the customer asks about currency exchange rates or conversion fees
shots:
- {text: "I think I left my card at the restaurant last night, what do I do?", label: card lost}
- {text: "Someone stole my wallet with my debit card in it.", label: card lost}
- {text: "The shop never sent the item, can I get my money back?", label: refund}
- {text: "You charged me a fee twice this month, please return it.", label: refund}
- {text: "What rate do you use when I pay in euros?", label: exchange rate}
- {text: "Why did I get fewer dollars than the bank's website said when I exchanged?", label: exchange rate}
"""


@pytest.fixture
def card_without_data(tmp_path):
    "A task card of your own, as a user writes one: its shots, no data splits, no TarGEN templates."
    p = tmp_path/"bank_intent.yaml"; p.write_text(CARD_WITHOUT_DATA)
    return p
