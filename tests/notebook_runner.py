"""Runs notebooks for `tests/test_notebooks.py`: one Python process imports the heavy libraries once (torch,
transformers, scikit-learn, datasets, nbdev…), then forks a fresh child per notebook. The child starts with nothing
a notebook or test has done (no synthlab module is imported here, no model is loaded, no thread pool is started), so
each notebook still runs as in a reader's new kernel, without paying ≈ 8 s of imports again (measured: 03_fewgen 47 →
37 CPU s, 01b_server 11 → 4, 00_task 3.4 → 1.8).

Protocol: one line per notebook on stdin, `NOTEBOOK<TAB>LOG`; the child writes its output to LOG, and the runner
answers one line on stdout, the child's exit code (0: every cell ran)."""
import gc, os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)   # an xdist worker ignores Ctrl-C; a notebook (02a) tests what it does
from pathlib import Path

# Libraries whose import dominates a notebook's start (`python -X importtime`). With `OMP_NUM_THREADS=1` (make test) the
# only thread they start is pyarrow's jemalloc background thread, which jemalloc's own fork handlers take care of.
HEAVY = ["torch", "transformers", "transformers.models.llama.modeling_llama", "transformers.models.auto.modeling_auto",
         "transformers.models.auto.tokenization_auto", "transformers.generation.utils", "tokenizers", "safetensors",
         "numpy", "scipy.stats", "pandas", "sklearn.linear_model", "sklearn.metrics", "sklearn.model_selection",
         "datasets", "sentence_transformers", "seaborn", "yaml", "tqdm.auto", "matplotlib", "fastcore.all", "execnb.shell", "nbdev.test", "nbdev.config"]


def preload(names=HEAVY):
    "Import `names` (skipping those not installed), so forked children find them in `sys.modules`."
    import importlib
    for name in names:
        try: importlib.import_module(name)
        except ImportError: pass


def run_notebook(path: Path, log: Path) -> int:
    "In a forked child: run notebook `path` with nbdev's `test_nb` (the project's skip flags), output to `log`; exit code."
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1); os.dup2(fd, 2); os.close(fd)
    from nbdev.test import test_nb
    from nbdev.config import get_config
    cfg = get_config()
    try: ok, _ = test_nb(path, skip_flags=cfg.tst_flags.split(), basepath=cfg.config_path)
    except BaseException:
        import traceback; traceback.print_exc(); ok = False
    return 0 if ok else 1


NICENESS = 5   # notebooks are batch work: the integration tests' own daemons (Ray's agents must report within 15 s,
               # servers) come first when the two workers' processes outnumber the cores


def serve():
    "Answer each `NOTEBOOK<TAB>LOG` line on stdin with the exit code of a forked child that ran it."
    os.nice(NICENESS)
    preload()
    gc.freeze()   # the preloaded objects leave the collector's view: a child's collections no longer copy their pages
    for line in sys.stdin:
        notebook, log = line.rstrip("\n").split("\t")
        sys.stdout.flush(); sys.stderr.flush()
        pid = os.fork()
        if pid == 0: sys.exit(run_notebook(Path(notebook), Path(log)))   # a normal exit: the notebook's atexit work runs
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), flush=True)


if __name__ == "__main__": serve()
