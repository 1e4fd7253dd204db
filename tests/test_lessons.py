"""The lessons (nbs/lessons): every lesson runs end to end at a small budget, and the first one runs in JupyterLab.

1. Each lesson is executed like a notebook test (nbdev's `test_nb` in a process forked from `notebook_runner.py`), with the
   lessons' one budget switch `SYNTHLAB_LESSON_SCALE` set to `SCALE`: every count in a lesson shrinks to its minimum, so
   the eight lessons together cost about two and a half CPU-minutes. `make lessons` runs them at full budget.
2. One test starts JupyterLab as `make lab` does (127.0.0.1, a free port, a token, no browser, the kernel spec "synthlab"
   installed into a temporary prefix), opens lesson 1 in headless Chromium, runs all its cells through JupyterLab's own
   "run all cells" command, and checks from the notebook model in the page that every code cell ran, none raised, and a
   plot (image/png) rendered. The server runs on a copy of the lessons (JupyterLab autosaves) and is always stopped, with
   its kernels, by killing its process group."""
import json, os, select, shutil, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT/"nbs"/"lessons").glob("[0-9]*.ipynb"))
SCALE = "0.1"          # SYNTHLAB_LESSON_SCALE in these tests: each lesson at its minimum counts
HANG_S = 600


def test_lessons_found_in_order():
    "Eight lessons, numbered 01..08, none exported, none in the library's notebook collection, each with a hidden solutions cell."
    assert [p.name[:2] for p in LESSONS] == [f"{i:02d}" for i in range(1, 9)]
    sys.path.insert(0, str(ROOT/"tests"))
    from test_notebooks import NOTEBOOKS
    assert NOTEBOOKS and not any(p.parent.name == "lessons" and p.parent.parent.name == "nbs" for p in NOTEBOOKS)
    for p in LESSONS:
        cells = json.loads(p.read_text())["cells"]
        src = ["".join(c["source"]) for c in cells]
        assert not any("default_exp" in s for s in src), p.name
        assert "SYNTHLAB_LESSON_SCALE" in src[1], f"{p.name}: the budget switch must be read in its first code cell"
        sol = [c for c in cells if "".join(c["source"]).startswith("#| solution")]
        assert len(sol) == 1 and sol[0]["metadata"].get("jupyter", {}).get("source_hidden") is True, p.name
        assert "Exercises" in "".join(src[-2]), f"{p.name}: exercises come right before the solutions"


@pytest.fixture(scope="module")
def lesson_runner():
    "A `notebook_runner.py` process with the lessons' budget scaled down (its forked children inherit the variable)."
    env = {**os.environ, "SYNTHLAB_LESSON_SCALE": SCALE, "MPLBACKEND": "agg", "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, str(ROOT/"tests"/"notebook_runner.py")], text=True, cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
    def run(notebook: Path, log: Path) -> str:
        proc.stdin.write(f"{notebook}\t{log}\n"); proc.stdin.flush()
        if select.select([proc.stdout], [], [], HANG_S)[0]: return proc.stdout.readline().strip() or "runner died"
        return "hang"
    yield run
    try: os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError: pass
    proc.wait()


# lesson 01 runs in JupyterLab below (`test_first_lesson_in_jupyterlab`: every cell ran, none raised, a plot rendered)
@pytest.mark.parametrize("lesson", LESSONS[1:], ids=lambda p: p.stem)
def test_lesson_runs(lesson, lesson_runner, tmp_path):
    log = tmp_path/"output.txt"
    code = lesson_runner(lesson, log)
    assert code == "0", f"{lesson.name} failed at scale {SCALE} ({code}):\n{log.read_text()[-6000:] if log.exists() else ''}"


def free_port() -> int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    "JupyterLab as `make lab` starts it, on a copy of the lessons; yields (base URL, token); killed with its kernels after."
    tmp = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT/"nbs"/"lessons", tmp/"lessons")
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(tmp/"prefix"), "--name", "synthlab",
                    "--display-name", "Python (synthlab)", "--env", "HF_HUB_OFFLINE", "1", "--env", "HF_DATASETS_OFFLINE", "1"],
                   check=True, capture_output=True)
    port, token = free_port(), os.urandom(16).hex()
    env = {**os.environ, "SYNTHLAB_LESSON_SCALE": SCALE, "JUPYTER_PATH": str(tmp/"prefix"/"share"/"jupyter"),
           "JUPYTER_CONFIG_DIR": str(tmp/"config"), "JUPYTER_RUNTIME_DIR": str(tmp/"runtime"), "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    log = open(tmp/"lab.log", "w")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--ip", "127.0.0.1",
                             "--port", str(port), "--port-retries", "0", f"--IdentityProvider.token={token}",
                             "--ServerApp.allow_root=True", f"--ServerApp.root_dir={tmp/'lessons'}",
                             "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            assert proc.poll() is None, f"jupyter lab exited:\n{(tmp/'lab.log').read_text()[-3000:]}"
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2); break
            except OSError: time.sleep(0.25)
        else: pytest.fail(f"jupyter lab did not answer in 60 s:\n{(tmp/'lab.log').read_text()[-3000:]}")
        yield base, token
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try: os.killpg(proc.pid, sig)
            except ProcessLookupError: break
            try: proc.wait(wait); break
            except subprocess.TimeoutExpired: pass
        log.close()


# the notebook panel among the main area's widgets (`shell.currentWidget` follows focus, which a headless page may not have)
PANEL = "(Array.from(jupyterapp.shell.widgets('main')).find(w => w.content && w.content.model && w.sessionContext))"
WIDGET = "String(typeof jupyterapp !== 'undefined' && Array.from(jupyterapp.shell.widgets('main')).map(w => w.id))"
MODEL = f"{PANEL}.content.model"
KERNEL = f"{PANEL}.sessionContext.session.kernel"


def test_first_lesson_in_jupyterlab(lab):
    "Lesson 1 opened in JupyterLab in headless Chromium; 'run all cells'; every code cell ran, no error, a PNG plot rendered."
    sys.path.insert(0, str(ROOT/"tests"))
    from test_docs import Browser, console_errors
    base, token = lab
    b = Browser()
    try:
        b.send("Page.navigate", url=f"{base}/lab/tree/{LESSONS[0].name}?token={token}")
        assert b.poll(f"!!{PANEL} && !!{PANEL}.sessionContext.session && !!{KERNEL}", timeout=90), \
            f"the lesson did not open with a kernel: title {b.js('document.title')!r}, app {b.js('typeof jupyterapp')}, " \
            f"widget {b.js(WIDGET)}, " \
            f"console {console_errors(b.events)[:3]}"
        assert b.js(f"{KERNEL}.name") == "synthlab"
        b.poll(f"{KERNEL}.status === 'idle'", timeout=60)
        b.js(f"jupyterapp.shell.activateById({PANEL}.id); true")
        b.js("jupyterapp.commands.execute('notebook:run-all-cells'); true")
        done = (f"(() => {{ const cells = {MODEL}.toJSON().cells.filter(c => c.cell_type === 'code');"
                " const ran = cells.every(c => c.execution_count !== null);"
                " const err = cells.some(c => c.outputs.some(o => o.output_type === 'error'));"
                f" const busy = {KERNEL}.status !== 'idle';"
                " return (ran && !busy) || err; })()")
        assert b.poll(done, timeout=240), "the lesson's cells did not all run"
        cells = b.js(f"{MODEL}.toJSON().cells.filter(c => c.cell_type === 'code')")
        errors = [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors, f"{errors[0]['ename']}: {errors[0]['evalue']}"
        assert all(c["execution_count"] for c in cells)
        assert any("image/png" in o.get("data", {}) for c in cells for o in c["outputs"]), "no plot in the outputs"
        assert b.poll("[...document.querySelectorAll('.jp-OutputArea-output img')].some(i => i.complete && i.naturalWidth > 100)",
                      timeout=20), "the plot did not render in the page"
        b.js("[...document.querySelectorAll('.jp-OutputArea-output img')].pop().scrollIntoView({block: 'center'})")
        b.screenshot(Path(os.environ.get("SYNTHLAB_SCREENSHOTS", "/tmp"))/"lesson01-jupyterlab.png")
    finally: b.close()
