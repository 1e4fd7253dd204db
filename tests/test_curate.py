"""Issue 32 item 4: the curate stage in a pipeline (the embedded model, tiny budget) and `synthlab curate` on a file.

Selection itself (k-centre, label confidence, reasons) is checked in nbs/06d_curate.ipynb; here the parts a user meets:
a pipeline that over-generates by `factor` and keeps `n`, its verdict file with every dropped record's reason, its
resume without a model, and the CLI command with its one-line errors.
"""
import json, re
from collections import Counter
from unittest import mock

import pytest, torch

from conftest import fails
from synthlab.cli import main
from synthlab.records import read_records
from synthlab.pipeline import (Pipeline, Demos, Generation, Judge, Guard, Curate, Align, Evaluate, run_pipeline,
                               record_id)


def lines(path) -> list: return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]


def test_curate_stage_over_generates_keeps_n_and_resumes(lm, tmp_path):
    off = dict(judge=Judge(enabled=False), guard=Guard(enabled=False), align=Align(enabled=False),
               evaluate=Evaluate(enabled=False))
    p = Pipeline("sst2", str(tmp_path/"run"), n=2, demos=Demos(enabled=False), generation=Generation("fewgen", dict(max_new_tokens=24)),
                 curate=Curate(enabled=True, factor=3), **off)
    s = run_pipeline(p, lm=lm, progress=False)
    gen, recs = read_records(tmp_path/"run"/"generation.jsonl"), read_records(tmp_path/"run"/"records.jsonl")
    assert len(gen) == 6 and len(recs) == 2 and s["stages"]["curate"]["n"] == 2
    assert Counter(r["label"] for r in recs) == {"negative": 1, "positive": 1}
    assert all([e["stage"] for e in r["meta"]["pipeline"]][-2:] == ["filters", "curate"] for r in recs)
    v = lines(tmp_path/"run"/"curate.jsonl")              # verdicts, not copies: every input record once
    kept, dropped = [l for l in v if l["verdict"] == "kept"], [l for l in v if l["verdict"] == "dropped"]
    assert [l["id"] for l in kept] == [record_id(r) for r in recs] and "text" not in json.dumps(v)
    assert len(kept) + len(dropped) == s["stages"]["filters"]["n"]
    assert dropped and all(l["reason"] in ("low_confidence", "redundant") and 0 <= l["confidence"] <= 1 for l in dropped)
    assert s["stages"]["curate"]["confidence"] == "shots" and {l["by"] for l in dropped} == {"shots"}   # the default
    with mock.patch("synthlab.backend.load_backend", side_effect=AssertionError("a model was loaded")):
        s2 = run_pipeline(p, progress=False)
    assert all(r.get("resumed") for r in s2["stages"].values() if r.get("enabled", True))
    assert read_records(tmp_path/"run"/"records.jsonl") == recs


POS = ["a warm , funny and moving film about family .", "a gorgeous , heartfelt drama with a superb cast .",
       "a witty and tender comedy that earns every laugh .", "the best thriller of the year , tense and smart ."]
NEG = ["a dull , tedious mess with nothing to say .", "the plot is lazy and the jokes fall flat .",
       "an ugly , boring and overlong film .", "a stupid script and wooden acting sink it ."]


def test_cli_curate(capsys, tmp_path):
    src = tmp_path/"gen.jsonl"
    recs = [dict(text=t, label="positive") for t in POS] + [dict(text=t, label="negative") for t in NEG]
    recs.append(dict(text="a delightful , life-affirming triumph .", label="negative"))     # mislabelled
    src.write_text("".join(json.dumps(r) + "\n" for r in recs))
    main(["curate", str(src), "--task", "sst2", "--n", "4", "--out", str(tmp_path/"kept.jsonl")])
    assert "kept 4 of 9" in capsys.readouterr().out
    kept, gone = read_records(tmp_path/"kept.jsonl"), lines(tmp_path/"kept.jsonl.dropped.jsonl")
    assert Counter(r["label"] for r in kept) == {"positive": 2, "negative": 2} and len(gone) == 5
    assert {g["reason"] for g in gone} <= {"low_confidence", "redundant"}
    assert "life-affirming" not in json.dumps(kept)                                         # the mislabelled one went
    assert "only 5 records of label 'negative'" in fails(capsys, "curate", src, "--task", "sst2", "--n", "20",
                                                         "--out", tmp_path/"k2.jsonl")
    assert "is not a curated set synthlab made" in fails(capsys, "curate", src, "--task", "sst2", "--n", "4",
                                                         "--out", src)
    assert "records file" in fails(capsys, "curate", tmp_path/"none.jsonl", "--task", "sst2", "--n", "4",
                                   "--out", tmp_path/"k3.jsonl")
    (tmp_path/"empty.jsonl").write_text("")
    assert "empty.jsonl: no records to curate" in fails(capsys, "curate", tmp_path/"empty.jsonl", "--task", "sst2",
                                                        "--n", "4", "--out", tmp_path/"k4.jsonl")
    spam = tmp_path/"spam.jsonl"                                   # another task's records: named, not "generate more"
    spam.write_text("".join(json.dumps(dict(text=t, label=y)) + "\n" for t, y in [("WIN a prize now", "spam"),
                                                                                 ("see you at lunch", "ham")]))
    err = fails(capsys, "curate", spam, "--task", "sst2", "--n", "2", "--out", tmp_path/"k5.jsonl")
    assert "label(s) 'ham', 'spam' are not labels of task 'sst2' (negative, positive)" in err, err
    assert not (tmp_path/"k4.jsonl").exists() and not (tmp_path/"k5.jsonl").exists()
    named = tmp_path/"named.jsonl"                                  # records that name their task: --task may go
    named.write_text("".join(json.dumps({**r, "meta": {"task": "sst2"}}) + "\n" for r in recs))
    main(["curate", str(named), "--n", "4", "--out", str(tmp_path/"k6.jsonl")])
    assert "kept 4 of 9" in capsys.readouterr().out and "life-affirming" not in (tmp_path/"k6.jsonl").read_text()
    assert "gen.jsonl: its records name no task card; pass --task" in fails(capsys, "curate", src, "--n", "4",
                                                                            "--out", tmp_path/"k7.jsonl")
    assert "empty.jsonl: no records to curate" in fails(capsys, "curate", tmp_path/"empty.jsonl", "--n", "4",
                                                        "--out", tmp_path/"k8.jsonl")


def test_the_judge_decides_where_it_is_trusted(lm_each_dtype):
    ("The judge's trust reads the model's scores, so it is checked in both dtypes: on SST-2 it labels 11 of 12 shots "
     "in float32 (since session 44 it asks its question first: the shot about Sorvino is missed by 0.05); in bf16 11 on "
     "an EPYC with avx512_bf16, and a CPU with AMX may move one more shot (the smallest right margin is 0.056), so bf16 "
     "is held to `TRUST` alone. AG News (2 of 20 in bf16 on an EPYC, far under `TRUST`) is checked in this machine's "
     "dtype only "
     "(`test_an_untrusted_judge_leaves_the_choice_to_the_shots`): in bf16 on a CPU without bf16 units it took 45 s.")
    from synthlab.curate import confidence_source, curate
    from synthlab.judge import TRUST
    src, acc = confidence_source("sst2", lm_each_dtype, "auto")
    assert src == "judge" and acc > TRUST, acc
    if lm_each_dtype.dtype == torch.float32: assert acc == 11 / 12, acc
    recs = [dict(text=t, label="positive") for t in POS] + [dict(text=t, label="negative") for t in NEG]
    recs += [dict(text="a delightful , life-affirming triumph .", label="negative"),
             dict(text="a tedious , joyless slog from start to finish .", label="positive")]
    kept, dropped, rep = curate(recs, "sst2", 4, lm=lm_each_dtype, confidence="auto", progress=False)
    assert rep["confidence"] == "judge" and len(kept) == 4
    assert {r["text"] for r in dropped} >= {"a delightful , life-affirming triumph .",
                                            "a tedious , joyless slog from start to finish ."}


def test_an_untrusted_judge_leaves_the_choice_to_the_shots(lm):
    from synthlab.curate import confidence_source
    from synthlab.judge import TRUST
    src, acc = confidence_source("ag_news", lm, "auto")
    assert src == "shots" and acc < TRUST


def test_cli_curate_with_the_judge(capsys, tmp_path):
    src = tmp_path/"gen.jsonl"
    recs = [dict(text=t, label="positive") for t in POS] + [dict(text=t, label="negative") for t in NEG]
    src.write_text("".join(json.dumps(r) + "\n" for r in recs))
    main(["curate", str(src), "--task", "sst2", "--n", "4", "--out", str(tmp_path/"a.jsonl")])
    assert "by the shots' classifier;" in capsys.readouterr().out        # the default loads no model
    main(["curate", str(src), "--task", "sst2", "--n", "4", "--out", str(tmp_path/"b.jsonl"), "--model", "smollm2-135m",
          "--confidence", "auto"])
    said = re.search(r"by the model's judge \(the judge labels (\d+)% of the shots right\)", capsys.readouterr().out)
    assert said and int(said[1]) >= 90, said                               # 11 or 12 of 12 (bf16 with AMX: 11)
    assert {r["meta"]["curate"]["by"] for r in read_records(tmp_path/"b.jsonl")} == {"judge"}
    assert "needs a language model" in fails(capsys, "curate", src, "--task", "sst2", "--n", "4", "--out",
                                             tmp_path/"c.jsonl", "--confidence", "judge")
    assert "invalid choice" in fails(capsys, "curate", src, "--task", "sst2", "--n", "4", "--out",
                                     tmp_path/"d.jsonl", "--confidence", "classifier")


def test_cartography_drops_the_mislabelled_record(tmp_path, capsys):
    "Dataset cartography (issue 32 item 4): the set's own few-epoch datamap; its least confident record goes first."
    import numpy as np
    from synthlab.curate import cartography, curate
    from synthlab.embed import embed_texts
    pos = POS + ["a beautiful , touching story told with grace .",
                 "an exhilarating ride with a terrific lead performance .", "smart , sweet and often hilarious .",
                 "one of the most moving films in years ."]
    neg = NEG + ["a tired , predictable and joyless sequel .",
                 "the worst film of the year , badly acted and badly shot .", "clumsy , shrill and painfully unfunny .",
                 "a pointless remake that wastes its cast ."]
    bad = "a gorgeous , heartfelt and moving drama ."                                   # labelled negative
    conf, var = cartography(embed_texts(pos + neg + [bad]), [1] * 8 + [0] * 9)
    assert int(np.argmin(conf)) == 16 and conf.shape == var.shape == (17,) and (var >= 0).all()
    recs = [dict(text=t, label="positive") for t in pos] + [dict(text=t, label="negative") for t in neg + [bad]]
    kept, dropped, rep = curate(recs, "sst2", 8, keep=2, cartography=0.2)
    hard = [r["text"] for r in dropped if r["meta"]["curate"]["reason"] == "hard_to_learn"]
    assert bad in hard and len(hard) == 2 and len(kept) == 8          # ⌊0.2 × 8⌋ = ⌊0.2 × 9⌋ = 1 per label
    src = tmp_path/"gen.jsonl"; src.write_text("".join(json.dumps(r) + "\n" for r in recs))
    main(["curate", str(src), "--task", "sst2", "--n", "8", "--cartography", "0.2", "--out", str(tmp_path/"k.jsonl")])
    gone = lines(tmp_path/"k.jsonl.dropped.jsonl")
    assert [g["reason"] for g in gone].count("hard_to_learn") == 2 and all(len(g["datamap"]) == 2 for g in gone)
    assert "expected a number in [0, 1]" in fails(capsys, "curate", src, "--task", "sst2", "--n", "8",
                                                  "--cartography", "2", "--out", tmp_path/"k2.jsonl")
    assert "cartography must be in [0, 1)" in fails(capsys, "curate", src, "--task", "sst2", "--n", "8",
                                                    "--cartography", "1", "--out", tmp_path/"k2.jsonl")


def test_describe_adds_the_cards_label_descriptions_to_the_pool(tmp_path):
    "`describe=True` (issue 32): the confidence classifier also learns one example per label, its card description."
    from synthlab.curate import curate, curate_file, DESCRIBE
    from synthlab.task import get_task
    sst = get_task("sst2")
    recs = [dict(text=t, label="positive") for t in POS] + [dict(text=t, label="negative") for t in NEG]
    recs.append(dict(text="a negative opinion of the movie , a dull mess .", label="negative"))
    conf = lambda kept: {r["text"]: r["meta"]["curate"]["confidence"] for r in kept}
    on = curate(recs, sst, 4, describe=True)
    as_pool = curate(recs, sst, 4, pool=[*sst.shots, *(dict(text=d, label=y) for y, d in sst.labels.items())])
    off = curate(recs, sst, 4)
    assert conf(on[0]) == conf(as_pool[0]) and conf(on[0]) != conf(off[0])
    assert on[2]["describe"] is True and off[2]["describe"] is DESCRIBE["default"] is False
    rep = curate_file(_write(tmp_path/"gen.jsonl", recs), sst, 4, tmp_path/"k.jsonl", describe=True)
    assert rep["describe"] is True and conf(read_records(tmp_path/"k.jsonl")) == conf(on[0])


def _write(path, recs):
    path.write_text("".join(json.dumps(r) + "\n" for r in recs)); return path


def test_describe_from_the_command_line(tmp_path):
    "`synthlab curate --describe` reaches `curate_file`: its report and the kept records' confidences say so."
    from synthlab.cli import main
    from synthlab.curate import curate
    recs = [dict(text=t, label="positive") for t in POS] + [dict(text=t, label="negative") for t in NEG]
    src = _write(tmp_path/"gen.jsonl", recs)
    main(["curate", str(src), "--task", "sst2", "--n", "4", "--describe", "--out", str(tmp_path/"k.jsonl")])
    rep = json.loads((tmp_path/"k.jsonl.curate.json").read_text())
    conf = {r["text"]: r["meta"]["curate"]["confidence"] for r in read_records(tmp_path/"k.jsonl")}
    assert rep["describe"] is True
    assert conf == {r["text"]: r["meta"]["curate"]["confidence"] for r in curate(recs, "sst2", 4, describe=True)[0]}


GARBLED = {"positive": "the the movie moive ; , filmm wtch !! ok ok", "negative": "brdly acted ,, plot hole the the of ."}


def test_fluency_drops_the_garbled_records_in_each_dtype(lm_each_dtype):
    ("`fluency` reads the model's log-probs, so it is checked in both dtypes: after the prompt that asked for its label, "
     "each label's garbled record is its least fluent, and goes first as `disfluent`.")
    from synthlab.curate import curate
    from synthlab.prompts import fewshot_conversation, label_instruction
    from synthlab.task import get_task
    sst = get_task("sst2")
    ask = {y: lm_each_dtype.chat(fewshot_conversation(sst, sst.shots[:4], label_instruction(sst, y)))
           for y in sst.label_names}
    texts = {"positive": POS + [GARBLED["positive"]], "negative": NEG + [GARBLED["negative"]]}
    recs = [dict(text=t, label=y, meta=dict(prompt=ask[y])) for y in texts for t in texts[y]]
    kept, dropped, rep = curate(recs, sst, 4, fluency=0.2, lm=lm_each_dtype, progress=False)   # ⌊0.2 × 5⌋ = 1 a label
    assert sorted(r["text"] for r in dropped if r["meta"]["curate"]["reason"] == "disfluent") == sorted(GARBLED.values())
    assert rep["fluency"] == 0.2 and rep["dropped"]["disfluent"] == 2 and len(kept) == 4
    assert all(r["meta"]["curate"]["fluency"] < 0 for r in kept + dropped)


def test_fluency_in_a_pipeline_and_on_the_command_line(lm, tmp_path, capsys):
    ("The curate stage with `fluency` scores real FewGen records after the prompts they carry; `synthlab curate "
     "--fluency` loads the model that made them, and refuses records without a prompt.")
    off = dict(judge=Judge(enabled=False), guard=Guard(enabled=False), align=Align(enabled=False),
               evaluate=Evaluate(enabled=False))
    p = Pipeline("sst2", str(tmp_path/"run"), n=2, demos=Demos(enabled=False),
                 generation=Generation("fewgen", dict(max_new_tokens=24)), curate=Curate(enabled=True, factor=3,
                                                                                         fluency=0.34), **off)
    s = run_pipeline(p, lm=lm, progress=False)
    per = s["stages"]["curate"]["per_label"]
    assert s["stages"]["curate"]["fluency"] == 0.34 and s["stages"]["curate"]["n"] == 2
    assert all(v["disfluent"] == int(0.34 * v["candidates"]) for v in per.values()), per
    v = lines(tmp_path/"run"/"curate.jsonl")
    assert all(isinstance(l["fluency"], float) for l in v if l["verdict"] == "dropped")
    assert sum(l.get("reason") == "disfluent" for l in v) == sum(v["disfluent"] for v in per.values())
    main(["curate", str(tmp_path/"run"/"generation.jsonl"), "--task", "sst2", "--n", "2", "--fluency", "0.34",
          "--out", str(tmp_path/"k.jsonl")])
    assert "'disfluent'" in capsys.readouterr().out
    assert all("fluency" in r["meta"]["curate"] for r in read_records(tmp_path/"k.jsonl"))
    bare = _write(tmp_path/"bare.jsonl", [dict(text=t, label="positive") for t in POS] +
                  [dict(text=t, label="negative") for t in NEG])
    assert "has no prompt in its meta" in fails(capsys, "curate", bare, "--task", "sst2", "--n", "2", "--fluency",
                                                "0.25", "--model", "smollm2-135m", "--out", tmp_path/"k2.jsonl")
