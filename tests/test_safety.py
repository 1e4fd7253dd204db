"""Issue 29: a user's own task card works in every command, and no file synthlab did not make is replaced.

Part 1 runs one custom card (not built in) through generate → export → experiment → pipeline → generate --shards/merge
on the embedded model with n=4, in this process through `main` (CLI-level: what the user types, one line on error).
Part 2 is the refusals: each case fails with one line naming the path and the flag, before any model loads (a tripwire
on `load_lm`), and leaves the user's file byte for byte as it was.
"""
import json, os, stat
from pathlib import Path

import pytest
from conftest import fails
import yaml

from synthlab import lm as lm_module
from synthlab.cli import main
from synthlab.records import read_records, RecordWriter

DATA = Path(__file__).resolve().parents[1]/".."/"shared"/"data"/"sst2"


def run(capsys, *argv) -> tuple:
    "Run the CLI in this process; return (stdout, stderr); a non-zero exit fails the test with its message."
    try: main([str(a) for a in argv])
    except SystemExit as e:
        err = capsys.readouterr().err
        raise AssertionError(f"synthlab {argv[0]} exited {e.code}: {err[-2000:]}") from None
    c = capsys.readouterr()
    return c.out, c.err


# ---------------------------------------------------------------- part 1: a custom card everywhere
@pytest.fixture(scope="module")
def card(tmp_path_factory) -> Path:
    "A card that is not built in: 2 labels ('good', 'bad'), 2 + 1 shots, train/validation files next to it."
    d = tmp_path_factory.mktemp("card")
    relabel = {"positive": "good", "negative": "bad"}
    for split, n in (("train", 40), ("validation", 24)):
        rows = [json.loads(l) for l in (DATA/f"{split}.jsonl").read_text().splitlines()[:n]]
        (d/f"{split}.jsonl").write_text("".join(json.dumps({"text": r["text"], "label": relabel[r["label"]]}) + "\n" for r in rows))
    (d/"holdout_cr.yaml").write_text(yaml.safe_dump(dict(
        name="holdout_cr", description="Short customer reviews of gadgets; each says whether the buyer liked the product.",
        instance="customer review", labels={"good": "the buyer likes the product", "bad": "the buyer dislikes the product"},
        shots=[{"text": "works great , battery lasts for days .", "label": "good"},
               {"text": "best purchase i made this year .", "label": "good"},
               {"text": "broke after a week and support never answered .", "label": "bad"}],
        splits={"train": "train.jsonl", "validation": "validation.jsonl"})))
    return d/"holdout_cr.yaml"


@pytest.fixture(scope="module")
def run_file(card, tmp_path_factory):
    "`synthlab generate --task CARD --n 4`: the records, and what the command printed on stderr."
    out = tmp_path_factory.mktemp("gen")/"run.jsonl"
    import contextlib, io, warnings   # capsys is function-scoped: capture by hand here
    with warnings.catch_warnings(record=True) as w, contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("always")   # every warning call counts, however the libraries reset the filters
        main(["generate", "--task", str(card), "--n", "4", "--out", str(out)])
    return out, "\n".join(str(x.message) for x in w)


def test_generate_records_the_card(run_file, card):
    out, err = run_file
    recs = read_records(out)
    assert len(recs) == 4 and {r["label"] for r in recs} == {"good", "bad"}
    m = recs[0]["meta"]
    assert m["task"] == "holdout_cr" and m["task_card"] == str(card.resolve()) and len(m["task_hash"]) == 12
    # the card has 1 'bad' shot for k_shots=2: warned once, not once by the CLI and again by the driver
    assert err.count("the few-shot pool has only") == 1, err


def test_export_finds_the_card_and_scores_on_its_split(capsys, run_file, tmp_path):
    out, _ = run_file
    so, _ = run(capsys, "export", out, "--out", tmp_path/"ds", "--no-metrics", "--evaluate", "holdout_cr:validation", "--seeds", "0")
    card = (tmp_path/"ds"/"README.md").read_text()
    assert "labels `bad`, `good`" in card and "holdout_cr:validation" in card
    umask = os.umask(0); os.umask(umask)
    assert stat.S_IMODE((tmp_path/"ds").stat().st_mode) == 0o777 & ~umask   # not mkdtemp's 0700


def test_custom_card_named_like_a_builtin_never_gets_the_builtins_labels(capsys, run_file, card, tmp_path):
    out, _ = run_file
    mine = yaml.safe_load(card.read_text()) | {"name": "sst2"}
    (tmp_path/"sst2.yaml").write_text(yaml.safe_dump(mine))
    for name in ("train.jsonl", "validation.jsonl"): (tmp_path/name).write_text((card.parent/name).read_text())
    recs = read_records(out)
    def with_meta(**m): return [{**r, "meta": {**r["meta"], **m}} for r in recs]
    (tmp_path/"clash.jsonl").write_text("".join(json.dumps(r) + "\n" for r in with_meta(task="sst2", task_card=str(tmp_path/"sst2.yaml"))))
    run(capsys, "export", tmp_path/"clash.jsonl", "--out", tmp_path/"ds", "--no-metrics")
    assert "labels `bad`, `good`" in (tmp_path/"ds"/"README.md").read_text()          # the card's labels, not negative/positive
    # the card's path lost: a name clash with the built-in is an error, not the built-in's labels
    rows = [{**r, "meta": {k: v for k, v in r["meta"].items() if k != "task_card"} | {"task": "sst2"}} for r in recs]
    (tmp_path/"lost.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    line = fails(capsys, "export", tmp_path/"lost.jsonl", "--out", tmp_path/"ds2", "--no-metrics")
    assert "lost.jsonl: the records were made with a task named 'sst2' that is not the built-in card" in line
    assert "pass --task" in line
    run(capsys, "export", tmp_path/"lost.jsonl", "--out", tmp_path/"ds2", "--no-metrics", "--task", tmp_path/"sst2.yaml")
    assert "labels `bad`, `good`" in (tmp_path/"ds2"/"README.md").read_text()


def test_experiment_with_a_card_path(capsys, card, tmp_path):
    cfg = dict(task=str(card), n=4, seeds=[0], test="validation", intrinsic=False, alpha_controls=False,
               methods={"fewgen α=0.1": {"method": "fewgen", "alpha": 0.1}}, out=str(tmp_path/"exp"))
    (tmp_path/"exp.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True))
    so, _ = run(capsys, "experiment", tmp_path/"exp.yaml")
    assert (tmp_path/"exp"/"fewgen-alpha0.1-seed0.jsonl").is_file()             # ASCII file names
    assert (tmp_path/"exp"/"comparison.csv").is_file() and "fewgen α=0.1" in so


def test_pipeline_with_a_card_path(capsys, card, tmp_path):
    p = dict(task=str(card), out=str(tmp_path/"pipe"), n=4, seed=0, demos={"source": "shots"},
             judge={"enabled": False}, guard={"enabled": False}, align={"enabled": False},
             evaluate={"student": "linear", "seeds": [0], "export": True})
    (tmp_path/"p.yaml").write_text(yaml.safe_dump(p))
    run(capsys, "pipeline", tmp_path/"p.yaml")
    s = json.loads((tmp_path/"pipe"/"summary.json").read_text())
    assert s["task"] == "holdout_cr" and s["n"] == 4 and "holdout_cr:validation" in s["stages"]["evaluate"]["test"]
    assert (tmp_path/"pipe"/"dataset"/"README.md").is_file()
    run(capsys, "export", tmp_path/"pipe"/"records.jsonl", "--out", tmp_path/"ds", "--no-metrics")   # found again by its card


def test_shards_and_merge_with_a_card_path(capsys, card, tmp_path):
    out = tmp_path/"merged.jsonl"
    run(capsys, "generate", "--task", card, "--n", "4", "--out", out, "--shards", "2")
    assert len(read_records(out)) == 4
    so, _ = run(capsys, "merge", "--out", out, "--shards", "2")     # no --task: the shards name their card; its own set is replaced
    assert "holdout_cr" in so and len(read_records(out)) == 4


# ---------------------------------------------------------------- part 2: refusals before any work
@pytest.fixture
def no_model(monkeypatch):
    "Tripwire: these cases must fail before a model loads."
    def trip(*a, **k): raise AssertionError("load_lm was called: the error should come before the model loads")
    monkeypatch.setattr(lm_module, "load_lm", trip)


def records_file(path, n=2, **meta):
    with RecordWriter(path) as w:
        w.write_batch([{"text": f"a fine film {i}", "label": "positive", "meta": {"task": "sst2", **meta}} for i in range(n)])
    return path


def test_merge_refuses_a_file_it_did_not_make(capsys, tmp_path, no_model):
    out = tmp_path/"set.jsonl"
    for content in ("my notes\n", None):
        if content: out.write_text(content)
        else: out.unlink(); records_file(out)                   # a finished unsharded run
        before = out.read_bytes()
        line = fails(capsys, "merge", "--out", out, "--shards", "2")
        assert f"--out {out} exists and is not a merged set synthlab made; it is left untouched" in line and "--overwrite" in line
        line = fails(capsys, "generate", "--task", "sst2", "--n", "4", "--out", out, "--shards", "2")   # before any shard runs
        assert "is not a merged set synthlab made" in line
        assert out.read_bytes() == before


def test_pipeline_refuses_the_users_records(capsys, tmp_path, no_model):
    (tmp_path/"p.yaml").write_text(yaml.safe_dump(dict(task="sst2", out=str(tmp_path/"mine"), n=4)))
    (tmp_path/"mine").mkdir()
    (tmp_path/"mine"/"records.jsonl").write_text('{"text": "my labelled data", "label": "positive"}\n')
    (tmp_path/"mine"/"summary.json").write_text('{"my": "summary"}')
    line = fails(capsys, "pipeline", tmp_path/"p.yaml")
    assert "records.jsonl exists and is not a pipeline's records synthlab made; it is left untouched" in line and "--overwrite" in line
    (tmp_path/"mine"/"records.jsonl").unlink()
    assert "summary.json exists and is not a pipeline's summary" in fails(capsys, "pipeline", tmp_path/"p.yaml")
    assert (tmp_path/"mine"/"summary.json").read_text() == '{"my": "summary"}'


def test_align_refuses_an_unrelated_file(capsys, tmp_path, no_model):
    syn = records_file(tmp_path/"syn.jsonl")
    (tmp_path/"report.csv").write_text("a,b\n1,2\n")
    line = fails(capsys, "align", "--synthetic", syn, "--real", "sst2:train", "--out", tmp_path/"report.csv")
    assert f"--out {tmp_path/'report.csv'} exists and is not an aligned set synthlab made" in line and "--overwrite" in line
    assert (tmp_path/"report.csv").read_text() == "a,b\n1,2\n"


def test_reexport_keeps_the_users_files(capsys, tmp_path, no_model):
    d = tmp_path/"ds"
    (d/"arrow").mkdir(parents=True); (d/"arrow"/"dataset_dict.json").write_text("{}"); (d/"README.md").write_text("card")
    (d/"my_analysis.ipynb").write_text("{}")                     # added by the user after the first export
    run_ = records_file(tmp_path/"run.jsonl")
    line = fails(capsys, "export", run_, "--out", d, "--no-metrics")
    assert "is an earlier export, but also holds my_analysis.ipynb, which a re-export would delete" in line and "--overwrite" in line
    assert (d/"my_analysis.ipynb").is_file()


def test_export_of_a_file_synthlab_did_not_make(capsys, tmp_path, no_model):
    (tmp_path/"theirs.jsonl").write_text('{"text": "a film", "label": "positive"}\n')
    line = fails(capsys, "export", tmp_path/"theirs.jsonl", "--out", tmp_path/"ds", "--no-metrics")
    assert "theirs.jsonl: the records do not say which task they are for (no meta.task)" in line and "--task" in line


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_out_that_is_not_a_regular_file(capsys, tmp_path, no_model, kind):
    if kind == "device": out, what = Path("/dev/full"), "is not a regular file (a FIFO, device or socket)"
    elif kind == "fifo": out, what = tmp_path/"pipe", "is not a regular file (a FIFO, device or socket)"; os.mkfifo(out)
    else: out, what = tmp_path, "is a folder; give a file path such as"
    line = fails(capsys, "generate", "--task", "sst2", "--n", "4", "--out", out)
    assert f"--out {out} {what}" in line or f"output {out} {what}" in line, line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_read_only_out(capsys, tmp_path, no_model):
    (tmp_path/"ro").mkdir(); os.chmod(tmp_path/"ro", 0o555)
    line = fails(capsys, "generate", "--task", "sst2", "--n", "4", "--out", tmp_path/"ro"/"x.jsonl")
    assert "cannot create files in" in line and "[Errno" not in line


def test_unwritable_out_is_one_line_without_errno(capsys, tmp_path, no_model):
    (tmp_path/"f").write_text("x")                                # a file where a folder should be
    line = fails(capsys, "generate", "--task", "sst2", "--n", "4", "--out", tmp_path/"f"/"x.jsonl")
    assert f"{tmp_path/'f'} is a file, not a folder" in line and "[Errno" not in line


def test_demo_out_an_existing_file(capsys, tmp_path, no_model):
    (tmp_path/"notes.txt").write_text("mine")
    line = fails(capsys, "demo", "--out", tmp_path/"notes.txt")
    assert f"--out {tmp_path/'notes.txt'} is a file; demo writes a folder" in line and "Errno" not in line


def test_duplicate_label_in_a_card(capsys, tmp_path, no_model):
    (tmp_path/"dup.yaml").write_text("name: dup\ndescription: d\ninstance: review\nlabels:\n  good: liked\n  bad: disliked\n"
                                     "  good: loved\nshots: []\n")
    line = fails(capsys, "generate", "--task", tmp_path/"dup.yaml", "--n", "4", "--out", tmp_path/"o.jsonl")
    assert f"{tmp_path/'dup.yaml'}: duplicate key 'good' on line 7 (first on line 5)" in line


def test_non_utf8_card(capsys, tmp_path, no_model):
    (tmp_path/"latin.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    line = fails(capsys, "generate", "--task", tmp_path/"latin.yaml", "--n", "4", "--out", tmp_path/"o.jsonl")
    assert f"{tmp_path/'latin.yaml'}: not UTF-8 text (byte 0xe9 at offset 9)" in line


def test_nan_text_in_a_training_file(capsys, tmp_path, no_model):
    (tmp_path/"t.jsonl").write_text('{"text": "fine", "label": "positive"}\n{"text": NaN, "label": "negative"}\n')
    line = fails(capsys, "evaluate", "--train", tmp_path/"t.jsonl", "--test", "sst2:validation", "--seeds", "0")
    assert f"{tmp_path/'t.jsonl'}:2: record has no text for field(s) ['text']" in line


def test_torn_line_hint_says_what_to_do(capsys, tmp_path, no_model):
    (tmp_path/"t.jsonl").write_text('{"text": "fine", "label": "positive"}\n{"text": "half')
    line = fails(capsys, "evaluate", "--train", tmp_path/"t.jsonl", "--test", "sst2:validation", "--seeds", "0")
    assert "rerun the command that wrote the file to resume" in line and "RecordWriter" not in line


def test_model_folder_that_is_not_a_model(capsys, tmp_path, no_model):
    line = fails(capsys, "generate", "--task", "sst2", "--n", "4", "--out", tmp_path/"o.jsonl", "--model", tmp_path)
    assert f"model {tmp_path}: a folder without config.json is not a Hugging Face model folder" in line
    assert "sentencepiece" not in line


def test_huge_n_warns_with_an_estimate(tmp_path, no_model):
    with pytest.warns(UserWarning, match=r"--n 1,000,000,000 records: .* about 1,389 days"), \
         pytest.raises(AssertionError, match="load_lm was called"):   # the warning comes first; then the run would start
        main(["generate", "--task", "sst2", "--n", "1000000000", "--out", str(tmp_path/"o.jsonl")])


def test_pipeline_ctrl_c_says_how_to_resume(capsys, tmp_path, monkeypatch, no_model):
    import synthlab.pipeline as pl
    def ctrl_c(*a, **k): raise KeyboardInterrupt       # Ctrl-C while the pipeline works
    monkeypatch.setattr(pl, "check_pipeline_out", ctrl_c)
    (tmp_path/"p.yaml").write_text(yaml.safe_dump(dict(task="sst2", out=str(tmp_path/"o"), n=4)))
    with pytest.raises(SystemExit) as e: main(["pipeline", str(tmp_path/"p.yaml")])
    assert e.value.code == 130
    assert "synthlab pipeline: interrupted; rerun the same command to resume" in capsys.readouterr().err


def test_nan_text_in_a_data_file(capsys, tmp_path, no_model):
    (tmp_path/"test.jsonl").write_text('{"text": "fine", "label": "good"}\n{"text": NaN, "label": "bad"}\n')
    (tmp_path/"c.yaml").write_text(yaml.safe_dump(dict(name="c", description="d", instance="review", labels={"good": "g", "bad": "b"},
                                                       shots=[], splits={"test": "test.jsonl"})))
    (tmp_path/"t.jsonl").write_text('{"text": "fine", "label": "good"}\n{"text": "bad one", "label": "bad"}\n')
    line = fails(capsys, "evaluate", "--train", tmp_path/"t.jsonl", "--test", f"{tmp_path/'c.yaml'}:test", "--seeds", "0")
    assert f"{tmp_path/'test.jsonl'}:2: record has no text for field(s) ['text']" in line


def test_evaluate_and_align_by_the_cards_name(capsys, run_file, tmp_path):
    "`--test holdout_cr:validation`: the name of a custom card the records came from, not a lookup among built-ins."
    out, _ = run_file
    so, _ = run(capsys, "evaluate", "--train", out, "--test", "holdout_cr:validation", "--seeds", "0")
    assert "holdout_cr:validation" in so
    so, _ = run(capsys, "align", "--synthetic", out, "--real", "holdout_cr:train", "--out", tmp_path/"aligned.jsonl")
    assert json.loads(so)["task"] == "holdout_cr" and len(read_records(tmp_path/"aligned.jsonl")) == 4
    run(capsys, "align", "--synthetic", out, "--real", "holdout_cr:train", "--out", tmp_path/"aligned.jsonl")  # its own: replaced
