"""Issue 29, items 7 and 10: a resumed run notices changed inputs.

Editing a card's shots between two runs into the same file, a pipeline rerun after its card's shots changed, and
another dtype for a complete pipeline generation are one-line errors, never a file that mixes old and new records.
TarGEN's judge, resolved against a text-only server, is compared after that resolution (`open_output`)."""
import dataclasses, json
import pytest
from conftest import fails

from synthlab import lm as lm_module
from synthlab.cli import main, build_method, make_parser
from synthlab.generate import run_settings, open_output
from synthlab.task import get_task, save_task_card, Task
from synthlab.targen import TarGEN


@pytest.fixture
def no_model(monkeypatch):
    def trip(*a, **k): raise AssertionError("load_lm was called: the error should come before the model loads")
    monkeypatch.setattr(lm_module, "load_lm", trip)


def card_with_shots(path, shots) -> Task:
    task = Task(**{**get_task("sst2").to_dict(), "name": "my_sst2", "shots": shots})
    save_task_card(task, path)
    return get_task(str(path))


def test_cli_resume_after_editing_the_shots_is_refused(capsys, tmp_path, no_model):
    shots = get_task("sst2").shots
    card = tmp_path/"card.yaml"; task = card_with_shots(card, shots)
    argv = ["generate", "--task", card, "--n", "4", "--out", tmp_path/"out.jsonl"]
    o = make_parser().parse_args([str(a) for a in argv])
    meta = {**run_settings(build_method("fewgen", o, task), task, "smollm2-135m", 0), "batch": 0}
    (tmp_path/"out.jsonl").write_text(json.dumps({"text": "a warm and funny film", "label": "positive", "meta": meta}) + "\n")
    card_with_shots(card, shots[:-1] + [{**shots[-1], "text": "An entirely new shot, edited in."}])
    line = fails(capsys, *argv)
    assert "record 1 was made from another version of task card 'my_sst2': its shots changed since" in line
    assert "another output path" in line and "description" not in line


def test_pipeline_rerun_notices_edited_shots_and_another_dtype(lm_fp32, tmp_path, monkeypatch):
    from synthlab.pipeline import Pipeline, Demos, Generation, Judge, Guard, Filters, Align, Evaluate, run_pipeline
    import synthlab.stages as pm
    shots = get_task("sst2").shots
    card = tmp_path/"card.yaml"; card_with_shots(card, shots)
    off = dict(judge=Judge(enabled=False), guard=Guard(enabled=False), align=Align(enabled=False), evaluate=Evaluate(enabled=False))
    p = Pipeline(str(card), str(tmp_path/"run"), n=2, dtype="float32", demos=Demos(enabled=False),
                 generation=Generation("fewgen", dict(max_new_tokens=24, per_label=1)), **off)
    run_pipeline(p, lm=lm_fp32, progress=False)
    def trip(*a, **k): raise AssertionError("generation ran: the rerun should have been refused")
    monkeypatch.setattr(pm, "generate", trip); monkeypatch.setattr(lm_module, "load_lm", trip)
    run_pipeline(p, progress=False)                                       # unchanged: resumed without a model
    with pytest.raises(ValueError, match=r"different dtype='float32' \(this run: 'bfloat16'\)"):
        run_pipeline(dataclasses.replace(p, dtype="bfloat16"), progress=False)
    card_with_shots(card, shots[:-1] + [{**shots[-1], "text": "An entirely new shot, edited in."}])
    with pytest.raises(ValueError, match="another version of task card 'my_sst2': its shots changed since"):
        run_pipeline(p, progress=False)


def test_targen_resume_on_a_text_only_server_compares_the_resolved_judge(tmp_path):
    "The judge written by a run on a text-only server is 'text'; reopening the file for the same run must not see 'score'."
    spec, task = "http://127.0.0.1:9/v1#m", get_task("sst2")
    made = TarGEN(n_contexts=2, progress=False)
    with pytest.warns(UserWarning, match="cannot score continuations"): open_output(tmp_path/"t.jsonl", made, task, spec, 1).close()
    assert made.judge == "text"
    meta = {**run_settings(made, task, spec, 0), "batch": 0}
    (tmp_path/"t.jsonl").write_text(json.dumps({"text": "a fine film", "label": "positive", "meta": meta}) + "\n")
    with pytest.warns(UserWarning, match="cannot score continuations"):
        open_output(tmp_path/"t.jsonl", TarGEN(n_contexts=2, progress=False), task, spec, 1).close()   # was: params.judge='text' (this run: 'score')
