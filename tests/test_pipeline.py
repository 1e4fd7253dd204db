"""Issue 16: composed pipelines on the embedded model (tiny budget).

One full composition on SST-2 (GP-chosen demonstrations → CorrSynth → judge → guard → filters → MMD alignment →
linear student), its resume (a rerun loads no model and generates nothing), an ablation (alignment off, reusing the
generated file), the guard on hand-made records, and bad pipeline files failing in one line before any model loads.
"""
import json, shutil
from pathlib import Path

import pytest

from synthlab import lm as lm_module
from synthlab import generate as generate_module
from synthlab.cli import main
from synthlab.task import get_task
from synthlab.records import read_records
from synthlab.pipeline import (Pipeline, Demos, Generation, Judge, Guard, Align, Evaluate, run_pipeline, load_pipeline,
                               to_yaml, fit_guard, guard_records)
from synthlab.synalign import load_pool

ROOT = Path(__file__).resolve().parents[1]


def tiny(out, **kw) -> Pipeline:
    "The full composition at 6 records."
    return Pipeline("sst2", str(out), n=6, **{**dict(demos=Demos(per_label=2, k_neighbours=1, pool_size=60),
                    generation=Generation("corrsynth", dict(gamma=1.5, max_new_tokens=32)),
                    guard=Guard(pool_size=60), align=Align(n_real=60, steps=50), evaluate=Evaluate(seeds=[0])), **kw})


@pytest.fixture(scope="module")
def full(tmp_path_factory, lm):
    "The full composition, run once for the module on the embedded model (conftest's session `lm`)."
    out = tmp_path_factory.mktemp("pipe")/"full"
    return out, run_pipeline(tiny(out), lm=lm, progress=False)


def no_model(monkeypatch):
    "Tripwire: loading a model or generating fails the test."
    def trip(*a, **k): raise AssertionError("a model was loaded or generation ran: this run should have been resumed")
    monkeypatch.setattr(lm_module, "load_lm", trip)
    monkeypatch.setattr(generate_module, "generate", trip)
    import synthlab.pipeline as pm
    monkeypatch.setattr(pm, "generate", trip)


def test_full_composition(full):
    out, s = full
    recs = read_records(out/"records.jsonl")
    assert s["n"] == len(recs) and 1 <= len(recs) <= 6
    assert [e["stage"] for e in recs[0]["meta"]["pipeline"]] == ["demos", "generation", "judge", "guard", "filters", "align"]
    assert all(r["meta"]["method"] == "corrsynth" and "guard" in r["meta"] and "judge" in r["meta"] for r in recs)
    demos = read_records(out/"demos.jsonl")
    assert {d["meta"]["synalign"]["role"] for d in demos} == {"centre", "neighbour"}   # GP-chosen, not the card's shots
    gen = read_records(out/"generation.jsonl")
    assert len(gen) == 6 and gen[0]["meta"]["pipeline"][0]["source"] == "synalign"
    st = s["stages"]
    assert st["judge"]["judged"] == 6 and isinstance(st["judge"]["trusted"], bool)
    assert st["guard"]["checked"] == st["judge"]["n"] and st["guard"]["n"] == st["guard"]["checked"] - st["guard"]["touched"]
    assert st["align"]["mmd2_after"] >= 0 and st["align"]["n"] == st["filters"]["n"]
    assert 0 <= st["evaluate"]["accuracy"] <= 1 and st["evaluate"]["n_test"] == 872
    assert json.loads((out/"summary.json").read_text())["stages"]["guard"]["touched"] == st["guard"]["touched"]


def test_rerun_resumes_without_model(full, monkeypatch):
    out, s = full
    before = read_records(out/"records.jsonl")
    no_model(monkeypatch)
    s2 = run_pipeline(tiny(out), progress=False)
    assert all(s2["stages"][k]["resumed"] for k in ("demos", "generation", "judge", "guard", "filters", "align", "evaluate"))
    assert read_records(out/"records.jsonl") == before


def test_ablation_stage_off(full, tmp_path, monkeypatch):
    "Alignment off, reusing the generated file: nothing is generated again, the last stage is the filters."
    out, _ = full
    abl = tmp_path/"no-align"; abl.mkdir()
    for f in ("demos.jsonl", "demos.json", "generation.jsonl", "generation.jsonl.summary.json", "judge.jsonl", "judge.json"):
        shutil.copy(out/f, abl/f)
    no_model(monkeypatch)
    s = run_pipeline(tiny(abl, align=Align(enabled=False)), progress=False)
    assert s["stages"]["align"] == {"enabled": False} and s["stages"]["generation"]["resumed"] and s["stages"]["judge"]["resumed"]
    recs = read_records(abl/"records.jsonl")
    assert recs == read_records(abl/"filters.jsonl") and not (abl/"align.jsonl").exists()
    assert all("align" not in [e["stage"] for e in r["meta"]["pipeline"]] for r in recs)


def test_guard_drops_a_clearly_wrong_label():
    task = get_task("sst2")
    clf = fit_guard(load_pool(task, "train", 200), task)
    hand = [dict(text="a wonderful , warm and funny film , beautifully acted and a joy to watch .", label="negative"),
            dict(text="a dull , tedious and painfully boring mess with terrible acting .", label="negative"),
            dict(text="an exhilarating , moving and gorgeous film .", label="positive")]
    kept, rep = guard_records(hand, task, clf, threshold=0.9)
    assert rep["touched"] == 1 and rep["by_label"] == {"negative": 1}
    assert [r["text"] for r in kept] == [h["text"] for h in hand[1:]]
    fixed, _ = guard_records(hand, task, clf, threshold=0.9, action="relabel")
    assert fixed[0]["label"] == "positive" and fixed[0]["meta"]["guard"]["initial_label"] == "negative"


def test_yaml_round_trip_and_example(tmp_path):
    p = tiny(tmp_path/"o", judge=Judge(enabled=False))
    (tmp_path/"p.yaml").write_text(to_yaml(p))
    assert load_pipeline(tmp_path/"p.yaml") == p
    ex = load_pipeline(ROOT/"examples"/"pipeline.yaml")
    assert ex.generation.method == "corrsynth" and ex.demos.source == "synalign"


@pytest.mark.parametrize("text, msg", [
    ("task: sst2\nout: o\ngaurd: {}\n", "unknown key 'gaurd' (did you mean 'guard'?)"),
    ("task: sst2\nout: o\njudge: {trust: high}\n", "judge: `trust` must be a number, got 'high'"),
    ("task: sst2\nout: o\nalign: {enabled: maybe}\n", "align: `enabled` must be true or false, got 'maybe'"),
    ("task: sst2\nout: o\nguard: {thresh: 0.9}\n", "guard: unknown key 'thresh' (did you mean 'threshold'?)"),
    ("task: sst2\nout: o\ngeneration: {method: fewgen, options: {gamma: 2}}\n", "fewgen does not use --gamma"),
    ("task: sst2\nout: o\ndemos: {split: validation}\n", "the split the student is scored on"),
    ("task: nosuch\nout: o\n", "unknown task 'nosuch'"),
    ("task: sst2\nout: [o\n", "not valid YAML"),
    ("- task\n", "expected a mapping"),
])
def test_bad_yaml_one_line_before_model(tmp_path, monkeypatch, capsys, text, msg):
    no_model(monkeypatch)
    (tmp_path/"p.yaml").write_text(text)
    with pytest.raises(SystemExit) as e: main(["pipeline", str(tmp_path/"p.yaml")])
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2 and err[-1].startswith("synthlab pipeline: error: ") and msg in err[-1], err
