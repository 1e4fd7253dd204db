"""Issue 16: composed pipelines — what `nbs/13_pipeline.ipynb` does not run.

The full composition on the embedded model (GP-chosen demonstrations → CorrSynth → judge → guard → filters → MMD
alignment → linear student), its resume without a model, an ablation (alignment off, reusing the generated file) and
the guard on hand-made records are run and checked in the notebook (one model load there). Here: the YAML round
trip, the shipped example, and bad pipeline files failing in one line before any model loads.
"""
from pathlib import Path

import pytest

from synthlab import lm as lm_module
from synthlab import generate as generate_module
from synthlab.cli import main
from synthlab.pipeline import Pipeline, Demos, Generation, Judge, Guard, Align, Evaluate, load_pipeline, to_yaml

ROOT = Path(__file__).resolve().parents[1]


def tiny(out, **kw) -> Pipeline:
    "The full composition at 6 records (the notebook runs it; here only written and read back)."
    return Pipeline("sst2", str(out), n=6, **{**dict(demos=Demos(per_label=2, k_neighbours=1, pool_size=60),
                    generation=Generation("corrsynth", dict(gamma=1.5, max_new_tokens=32)),
                    guard=Guard(pool_size=60), align=Align(n_real=60, steps=50), evaluate=Evaluate(seeds=[0])), **kw})


def no_model(monkeypatch):
    "Tripwire: loading a model or generating fails the test."
    def trip(*a, **k): raise AssertionError("a model was loaded or generation ran: this run should have been resumed")
    monkeypatch.setattr(lm_module, "load_lm", trip)
    monkeypatch.setattr(generate_module, "generate", trip)
    import synthlab.stages as sm
    monkeypatch.setattr(sm, "generate", trip)


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
