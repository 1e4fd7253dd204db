"""Checks beside what they check (issue 30): measured by tools/style_report.py on the notebooks as they are.

An export cell that defines a public name must be followed by a check (a fastcore test or an assert) before the next
export cell. These tests fail when someone adds an unchecked export to a notebook that meets the bar, or lowers the
overall share."""
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/"tools"))
import style_report

# notebooks brought to the bar (fastcore's 01_basics: 89 %); each must stay at or above MIN_SHARE
AT_BAR = ["00_task", "00a_data", "02_decode", "02c_prompts", "02d_filters", "06a_explore", "06b_align", "07_embed",
          "08_metrics", "09_student", "09a_finetune", "09b_poolcheck", "00c_files", "09c_studentdata",
          "02a_generate", "02e_runfile", "10a_configure", "10b_experiment", "11_export", "12_shard", "10_cli", "05_targen",
          "04_corrsynth", "06c_synalign", "02d0_neardup"]
MIN_SHARE = 0.85
# Overall: 159/340 = 46.8 % before; 219/340 = 64.4 % with the first notebooks above at the bar; 295/362 = 81.5 % with
# 02a, 02e, 10a, 10b, 11 and 12 too. The other notebooks are being raised on other branches at the same time: raise
# this floor to 0.85 once they land.
MIN_OVERALL = 0.81

def test_notebooks_at_the_bar():
    rep = style_report.report()
    low = {nb: [n for _, names, ok in rows if not ok for n in names] for nb, rows in rep["notebooks"].items()
           if nb in AT_BAR and rows and sum(ok for *_, ok in rows) / len(rows) < MIN_SHARE}
    assert not low, f"export cells without a check before the next export cell: {low}"

def test_overall_share():
    rep = style_report.report()
    assert rep["exports"] > 300 and rep["share"] >= MIN_OVERALL, style_report.table(rep, unchecked=True)

def _nb(path: Path, *sources) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": s[3:]} if s.startswith("md:") else
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s} for s in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path

def test_report_counts_what_it_says(tmp_path):
    "A hand-made notebook: which export cells count, and which cells count as their check."
    nb = _nb(tmp_path/"x.ipynb",
             "#| export\nimport os",                                 # no public name: not counted
             "#| export\ndef foo(): return 1",                       # the next export comes first: unchecked
             "#| export\ndef _helper(): pass",
             "#| export\nclass Bar: pass\nBAZ = 2",                   # checked: an assert two cells on
             "show_doc(Bar)", "md:test_eq(1, 1) in prose", "assert Bar() is not None",
             "#|exports\nqux = 3",                                    # a check in an `eval: false` cell never runs
             "#| eval: false\ntest_eq(qux, 3)",
             "#| export\n@patch\ndef method(self: Bar): pass",       # checked by a fastcore test; `def test_x(` is no check
             "def test_x(): pass", "test_fail(lambda: Bar().method(1))")
    got = [(names, ok) for _, names, ok in style_report.notebook_report(nb)]
    assert got == [(["foo"], False), (["Bar", "BAZ"], True), (["qux"], False), (["method"], True)]
    rep = style_report.report([nb])
    assert (rep["exports"], rep["checked"], rep["share"]) == (4, 2, 0.5)

def test_cli_prints_the_table():
    out = subprocess.run([sys.executable, str(ROOT/"tools"/"style_report.py")], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.splitlines()[0].split() == ["notebook", "exports", "checked", "%"]
    assert any(l.startswith("total") for l in out.splitlines()) and "largest module:" in out
