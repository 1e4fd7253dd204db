"""The tutorials (nbs/tutorials) in `make test`, without generating anything, so that an API change cannot break them unseen.

- `study.ipynb` runs every cell from its stored run outputs (nbs/tutorials/study), with `SYNTHLAB_REPLAY=1`: each row's
  summary, each set's records, each student's and metric's stored report (checked against the records it was made
  from). A cell that errors fails the test, and so does any file created, changed or removed under the study folder:
  a run that would generate, re-score or recompute writes there. The cells that need the model (the judge's trust check,
  the user-card pipeline that generates 20 records) say so and skip that part in replay. ≈ 23 CPU s, ≈ 6 of them imports.
- `compare.ipynb` runs every cell the same way from its stored outputs (nbs/tutorials/compare: the generated records with
  their summaries, and under `reports/` each table that needs a model or an encoder, kept with a fingerprint of the
  records it was made from). In replay no model loads; a cell that would generate, train or re-score raises instead,
  and nothing under the folder may change. A few seconds.
- `targen_tutorial.ipynb` runs every cell the same way from its stored outputs (nbs/tutorials/targen: TarGEN's records
  for RTE, CB and SST-2 with their summaries, and under `reports/` the unrolled steps, the forced self-correction, the
  students and the metrics, each with a fingerprint of what it was made from). No model loads; nothing under the
  folder may change. A few seconds.
- With a stored report removed, each of the two refuses to recompute it and fails naming it (the switch is not vacuous).
- Besides, every `from synthlab… import` of the three must resolve, and every call of an imported name must use keywords
  its signature accepts (cheap, and it names the call that broke).
"""
import ast, inspect, importlib, os, subprocess, sys
from pathlib import Path

import pytest
from execnb.nbio import read_nb

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = ROOT/"nbs"/"tutorials"
STUDY = TUTORIALS/"study"


def snapshot(folder: Path) -> dict:
    "Every file under `folder`: (size, modification time)."
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_study_replays_from_stored_outputs(tmp_path):
    before, results = snapshot(STUDY), (STUDY/"results.md").read_bytes()
    env = {**os.environ, "SYNTHLAB_REPLAY": "1", "SYNTHLAB_USER_STUDY": str(tmp_path/"user"), "PYTHONPATH": str(ROOT)}
    code = ("import sys; from pathlib import Path; from nbdev.test import test_nb\n"
            f"ok, _ = test_nb(Path({str(TUTORIALS/'study.ipynb')!r}), basepath={str(ROOT)!r}); sys.exit(0 if ok else 1)")
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, f"study.ipynb failed in replay:\n{(r.stdout + r.stderr)[-6000:]}"
    after = snapshot(STUDY)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    # results.md is rewritten by the notebook's last cell: it must come out the same
    assert changed in ([], ["results.md"]), f"replaying the study wrote into {STUDY}: {changed[:10]}"
    assert (STUDY/"results.md").read_bytes() == results, "study/results.md changed: the stored outputs give other tables"


def replay(notebook: Path, env: dict = None):
    "Run `notebook` with `SYNTHLAB_REPLAY=1` in a fresh interpreter; (ok, output)."
    env = {**os.environ, "SYNTHLAB_REPLAY": "1", "PYTHONPATH": str(ROOT), **(env or {})}
    code = ("import sys; from pathlib import Path; from nbdev.test import test_nb\n"
            f"ok, _ = test_nb(Path({str(notebook)!r}), basepath={str(ROOT)!r}); sys.exit(0 if ok else 1)")
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    return r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name,folder", [("compare.ipynb", "compare"), ("targen_tutorial.ipynb", "targen")])
def test_tutorial_replays_from_stored_outputs(name, folder):
    stored = TUTORIALS/folder
    before = snapshot(stored)
    assert any(k.endswith(".jsonl") for k in before) and any("/reports/" in f"/{k}" for k in before), f"{stored} holds no run"
    ok, out = replay(TUTORIALS/name)
    assert ok, f"{name} failed in replay:\n{out[-6000:]}"
    after = snapshot(stored)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == [], f"replaying {name} wrote into {stored}: {changed[:10]}"


@pytest.mark.parametrize("name,folder,report", [("compare.ipynb", "compare", "students-linear-*.json"),
                                                ("targen_tutorial.ipynb", "targen", "students-rte.json")])
def test_replay_refuses_to_recompute(tmp_path, name, folder, report):
    "The replay switch is not vacuous: with a report missing, the tutorial fails instead of recomputing it."
    import shutil
    shutil.copytree(TUTORIALS/folder, tmp_path/folder)
    victim = next((tmp_path/folder).rglob(f"reports/{report}"))
    victim.unlink()
    ok, out = replay(TUTORIALS/name, {"SYNTHLAB_TUTORIAL_OUT": str(tmp_path/folder)})
    assert not ok and f"replay: {victim.relative_to(tmp_path)}" in out.replace(str(tmp_path) + "/", ""), out[-3000:]
    assert not victim.exists()


def synthlab_imports(tree) -> dict:
    "name → object for every `from synthlab.X import name` in `tree` (an ImportError names the missing one)."
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "synthlab":
            mod = importlib.import_module(node.module)
            for a in node.names:
                assert hasattr(mod, a.name), f"{node.module} has no {a.name}"
                out[a.asname or a.name] = getattr(mod, a.name)
    return out


def bad_keywords(tree, names: dict) -> list:
    "Calls of an imported synthlab name with a keyword its signature does not take."
    bad = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names): continue
        try: params = inspect.signature(names[node.func.id]).parameters
        except (TypeError, ValueError): continue
        if any(p.kind == p.VAR_KEYWORD for p in params.values()): continue
        bad += [f"{node.func.id}({k.arg}=…)" for k in node.keywords if k.arg is not None and k.arg not in params]
    return bad


@pytest.mark.parametrize("name", ["compare.ipynb", "targen_tutorial.ipynb", "study.ipynb"])
def test_tutorial_uses_the_current_api(name):
    cells = [c.source for c in read_nb(TUTORIALS/name).cells if c.cell_type == "code"]
    code = "\n".join("\n".join(l for l in c.splitlines() if not l.lstrip().startswith(("%", "!"))) for c in cells)
    tree = ast.parse(code)                                   # every cell is Python that parses
    names = synthlab_imports(tree)
    assert names, f"{name} imports nothing from synthlab"
    assert bad_keywords(tree, names) == []


def test_api_check_catches_a_renamed_keyword():
    "The keyword check is not vacuous: a call with a keyword the function lacks is reported."
    tree = ast.parse("from synthlab.generate import generate\ngenerate(m, t, lm, n=4, outfile='x.jsonl')")
    assert bad_keywords(tree, synthlab_imports(tree)) == ["generate(outfile=…)"]
