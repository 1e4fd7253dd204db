"""Issue 12: no input destroys data, hangs, or ends in a traceback.

Every bad input gives one line `synthlab CMD: error: …` (exit 2) before any model loads; files that are not
synthlab's are never modified; Ctrl-C exits 130 with the output intact and resumable. Every case runs `main()` in
this process with a tripwire on `load_lm` (a test fails if the model would load), except Ctrl-C: a real SIGINT to this
process while `main` generates on the session's model (a terminal's Ctrl-C; the only cost is the generation itself, not a
second interpreter's imports and model load), then the same command resumed.
(10_cli runs the same bad inputs through `main` in-process, so an input that made the CLI hang would hang it too.)
"""
import json, os, signal, threading, time
from pathlib import Path

import pytest
from conftest import fails

from synthlab import lm as lm_module
from synthlab.cli import main
from synthlab.task import get_task, save_task_card, Task
from synthlab.records import read_records

@pytest.fixture(autouse=True)
def no_model(monkeypatch):
    "Tripwire: these cases must fail before a model loads."
    def trip(*a, **k): raise AssertionError("load_lm was called: the error should come before the model loads")
    monkeypatch.setattr(lm_module, "load_lm", trip)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def gen(tmp_path, *extra):
    return ["generate", "--task", "sst2", "--n", "4", "--out", tmp_path/"out.jsonl", *extra]


# 2. inputs that once hung or worked for minutes: one line before any work
def test_prompt_longer_than_context_fails_before_work(capsys, tmp_path):
    card = get_task("sst2").to_dict() | {"name": "long", "description": "A review of a film, told at length. " * 1200}   # 12k tokens
    save_task_card(Task(**card), tmp_path/"long.yaml")
    line = fails(capsys, "generate", "--task", tmp_path/"long.yaml", "--n", "2", "--out", tmp_path/"out.jsonl")
    assert "reads at most 8192; the longest card field is `description` (over 8192 tokens): shorten it" in line
    assert not (tmp_path/"out.jsonl").exists()   # failed runs leave no empty output file


# 3. tracebacks / library messages for bad numbers
@pytest.mark.parametrize("flag,value,expected", [("--per-label", "0", "an integer ≥ 1"),   # --per-label 0 once looped forever
    ("--k-shots", "-1", "an integer ≥ 0"), ("--temperature", "nan", "a finite number ≥ 0"),
    ("--top-p", "0", "a number in (0, 1]"), ("--n", "0", "an integer ≥ 1"), ("--max-new-tokens", "two", "an integer ≥ 1")])
def test_bad_numbers(capsys, tmp_path, flag, value, expected):
    line = fails(capsys, *gen(tmp_path, flag, value))
    assert line.startswith(f"synthlab generate: error: argument {flag}: expected {expected}, got '{value}'")

def test_unused_method_options_are_named(capsys, tmp_path):
    line = fails(capsys, *gen(tmp_path, "--gamma", "2", "--delta", "0.5"))
    assert "fewgen does not use --gamma, --delta" in line and "--delta is for corrsynth" in line


# 1. data loss
def test_non_records_file_is_left_untouched(capsys, tmp_path):
    out = tmp_path/"out.jsonl"
    for content in (b"my notes\nlast line without newline", b"a single line without newline"):
        out.write_bytes(content)
        line = fails(capsys, *gen(tmp_path))
        assert "left untouched" in line and out.read_bytes() == content

def test_output_equal_to_an_input_is_refused(capsys, tmp_path):
    syn = tmp_path/"s.jsonl"
    syn.write_text("".join(json.dumps({"text": f"a fine film number {i}", "label": "positive"}) + "\n" for i in range(3)))
    before = syn.read_bytes()
    line = fails(capsys, "align", "--synthetic", syn, "--real", "sst2:train", "--out", tmp_path/"."/"s.jsonl")
    assert "is also an input" in line and syn.read_bytes() == before
    card = tmp_path/"card.yaml"; save_task_card("sst2", card); before = card.read_bytes()
    assert "is also an input" in fails(capsys, "generate", "--task", card, "--out", card)
    assert card.read_bytes() == before


def test_export_never_replaces_a_folder_holding_its_run(capsys, tmp_path):
    run = tmp_path/"runs"/"s.jsonl"; run.parent.mkdir()
    run.write_text(json.dumps({"text": "a fine film", "label": "positive"}) + "\n"); before = run.read_bytes()
    assert "is a folder holding an input" in fails(capsys, "export", run, "--out", tmp_path/"runs")
    assert "is also an input" in fails(capsys, "export", run, "--out", run)
    assert run.read_bytes() == before


# 5. before the model loads: a second writer, a resume with other settings
def test_second_writer_learns_before_model_load(capsys, tmp_path):
    from synthlab.records import RecordWriter
    with RecordWriter(tmp_path/"out.jsonl"):
        assert "already open in another RecordWriter" in fails(capsys, *gen(tmp_path))

def test_resume_names_the_parameter_that_differs(capsys, tmp_path):
    from synthlab.cli import build_method, make_parser
    from synthlab.generate import run_settings
    o = make_parser().parse_args(["generate", "--task", "sst2", "--out", "x"])
    meta = {**run_settings(build_method("fewgen", o), get_task("sst2"), "smollm2-135m", 0), "batch": 0}
    (tmp_path/"out.jsonl").write_text(json.dumps({"text": "a warm and funny film", "label": "positive", "meta": meta}) + "\n")
    line = fails(capsys, *gen(tmp_path, "--k-shots", "3"))
    assert "record 1 was made with different params.k_shots=2 (this run: 3)" in line and "temperature" not in line


# 4. quiet surprises
def test_typo_model_and_student_fail_fast_offline(capsys, tmp_path):
    t0 = time.monotonic()
    line = fails(capsys, *gen(tmp_path, "--model", "HuggingFaceTB/SmolLM2-135M-Instrukt"))
    assert "model not found" in line and "set HF_HUB_OFFLINE=0" in line and not (tmp_path/"out.jsonl").exists()
    train = tmp_path/"t.jsonl"; train.write_text(json.dumps({"text": "a fine film", "label": "positive"}) + "\n")
    assert "student not found" in fails(capsys, "evaluate", "--train", train, "--test", "sst2:validation", "--student", "distilbert-base-uncazed")
    assert time.monotonic() - t0 < 60   # a guard against hub retries, not a speed measurement

def test_one_shot_label_warns(capsys, tmp_path):
    sst2 = get_task("sst2")
    shots = [s for s in sst2.shots if s["label"] == "positive"] + [next(s for s in sst2.shots if s["label"] == "negative")]
    save_task_card(Task(**{**sst2.to_dict(), "name": "lopsided", "shots": shots}), tmp_path/"c.yaml")
    with pytest.warns(UserWarning, match="task 'lopsided': k_shots=2, but the few-shot pool has only 1 for 'negative'"):
        fails(capsys, "generate", "--task", tmp_path/"c.yaml", "--out", tmp_path/"o.jsonl", "--model", "./no/such/model")
    import warnings   # what the terminal shows: one line in the CLI's voice
    assert warnings.formatwarning("w", UserWarning, "f.py", 1) == "synthlab generate: warning: w\n"


# experiment configs: unknown keys and wrong types are errors, before the model loads
@pytest.mark.parametrize("config,expected", [
    ("task: sst2\nn: 4\nmethods: [fewgen, corrsynth]\n", "`methods` must be a mapping name -> options, got ['fewgen', 'corrsynth']"),
    ("task: sst2\nn: two\nmethods: {fewgen: {}}\n", "`n` must be an integer ≥ 1, got 'two'"),
    ("task: sst2\nn: 4\nseed: 1\nmethods: {fewgen: {}}\n", "unknown key 'seed' (did you mean 'seeds'?)"),
    ("task: sst2\nn: 4\nstudnet: linear\nmethods: {fewgen: {}}\n", "unknown key 'studnet' (did you mean 'student'?)"),
    ("task: sst2\nn: 4\ntset: validation\nmethods: {fewgen: {}}\n", "unknown key 'tset' (did you mean 'test'?)"),
    ("task: sst2\nn: 4\nmethods: {fewgen: {k_shots: -1}}\n", "methods.fewgen.k_shots: expected an integer ≥ 0, got '-1'"),
    ("task: sst2\nn: 4\nmethods: {fewgen: {gamma: 2}}\n", "fewgen does not use --gamma"),
    ("task: sst2\nn: 4\nmethods: {corrsynth: {mode: both}}\n", "methods.corrsynth.mode: expected one of hybrid, intra, cross"),
    ("task: sst2\nn: 4\nmethods: {fewgen: {n: 8}}\n", "methods.fewgen: unknown method option(s): n"),
    ("task: sst2\nn: [4\n", "not valid YAML")])
def test_experiment_config_errors(capsys, tmp_path, config, expected):
    (tmp_path/"x.yaml").write_text(config)
    assert expected in fails(capsys, "experiment", tmp_path/"x.yaml")


# Ctrl-C with the real embedded model: exit 130, the file intact, and the same command resumes it (summary totals both runs)
def test_ctrl_c_keeps_the_file_and_resumes(lm, tmp_path, capsys, monkeypatch):
    if threading.current_thread() is not threading.main_thread(): pytest.skip("signals reach the main thread only")
    out = tmp_path/"s.jsonl"
    args = ["generate", "--task", "sst2", "--n", "40", "--out", str(out), "--max-new-tokens", "32", "--per-label", "2", "--k-shots", "1"]   # 32: a record cut at the cap is trimmed to a sentence or rejected
    # `load_backend` gives the session model, which is what it would load (`load_lm()`, this machine's dtype)
    monkeypatch.setattr(lm_module, "load_lm", lambda *a, **k: lm)
    stop = threading.Event()
    def ctrl_c_after_the_first_batch():
        deadline = time.monotonic() + 300
        while not stop.is_set() and time.monotonic() < deadline:
            if out.is_file() and out.read_bytes().count(b"\n") >= 1: os.kill(os.getpid(), signal.SIGINT); return
            time.sleep(0.02)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)   # a terminal's Python (a background `make test &` ignores SIGINT)
    ctrl_c = threading.Thread(target=ctrl_c_after_the_first_batch, daemon=True); ctrl_c.start()
    try:
        with pytest.raises(SystemExit) as e: main(args)
    except KeyboardInterrupt: pytest.fail("Ctrl-C escaped `main` as a KeyboardInterrupt: a traceback in a terminal")
    finally:
        stop.set(); ctrl_c.join(timeout=10); signal.signal(signal.SIGINT, before)
    err = capsys.readouterr().err
    assert e.value.code == 130, err
    assert "synthlab generate: interrupted; rerun the same command to resume" in err and "Traceback" not in err
    first = read_records(out)                      # every line parses
    assert 1 <= len(first) < 40
    summary = json.loads(Path(f"{out}.summary.json").read_text())
    assert summary["n"] == len(first)
    # the same command again, topping up by 2 records only (tiny budget)
    args[args.index("--n") + 1] = str(len(first) + 2)
    main(args)
    printed = capsys.readouterr().out
    assert "runs (resumed calls)  2" in printed and f"records               {len(first) + 2}" in printed   # the printed totals
    again = read_records(out)
    assert again[:len(first)] == first and len(again) == len(first) + 2
    total = json.loads(Path(f"{out}.summary.json").read_text())
    assert (total["n"], total["runs"]) == (len(first) + 2, 2)
    assert total["batches"] > summary["batches"] and total["generated_tokens"] > summary["generated_tokens"]  # both runs
