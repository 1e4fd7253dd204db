"""Tests of synthlab.targen: list parsing, templates, the judge and self-correction, and the steps on the embedded model.
Whole runs (records, provenance, resume to identical bytes, RTE with an untrusted judge) are 05_targen's."""
import math, random
from dataclasses import replace

import pytest
import torch

from synthlab.task import get_task, list_tasks, field_title
from synthlab.records import parse_example
from synthlab.decode import SamplingConfig
from synthlab.judge import correct_label, map_answer
from synthlab.targen import TarGEN, parse_list, instance_conversation, answer_head, relabel_matrix, corrsynth_combiner


# ---------------------------------------------------------------- no model

@pytest.mark.parametrize("text,kind,expected", [
    ("1.Genre\n2. Destination\n3. Movie title", "phrase", ["Genre", "Destination", "Movie title"]),
    ("Sure! Here are some:\n1) courtroom\n2) hospital ward\n3) a village fair\n\nHope this helps.", "phrase",
     ["courtroom", "hospital ward", "a village fair"]),
    ("• Sports\n• **Politics**: elections and parties\n• Sports", "phrase", ["Sports", "Politics"]),
    ("1.Narrative, 2. Prose, 3. Dialogue", "phrase", ["Narrative", "Prose", "Dialogue"]),
    ("cooking; travel; music", "phrase", ["cooking", "travel", "music"]),
    ("1. A dog barked all night.\n2. The bus was late again.\n3. A dog barked all night!", "sentence",
     ["A dog barked all night.", "The bus was late again."]),
    ("The river flooded the town. Schools closed for a week.", "sentence",
     ["The river flooded the town.", "Schools closed for a week."]),
])
def test_parse_list_good_and_partial(text, kind, expected):
    assert parse_list(text, kind) == expected


@pytest.mark.parametrize("text", ["", "1.", "\n\n", "12345", "1. 2020\n2. 1999", "1.EGR-3240\n2. BUS-0020",
                                  "Here are the settings:", None, 42,
                                  "one two three four five six seven eight nine ten eleven"])
def test_parse_list_garbage(text):
    assert parse_list(text) == []


def test_parse_list_truncated_and_max_items():
    assert parse_list("1.a\n2.b\n3.c\n4.d", max_items=2) == ["a", "b"]
    assert parse_list("1. The mayor resigned.\n2. A fire broke out in the", "sentence", truncated=True) == ["The mayor resigned."]
    with pytest.raises(ValueError, match="kind"): parse_list("a", kind="words")


def test_templates_render_every_field_of_the_builtin_tasks():
    for t in map(get_task, list_tasks()):
        for y in t.labels:
            msg = instance_conversation(t, y, "C0NTEXT", "S33D")[1]["content"]
            assert "C0NTEXT" in msg and "S33D" in msg
            for f in t.fields: assert f"{field_title(f)}:" in msg, (t.name, y, f)
            reply = answer_head(t) + " x\n" + "\n".join(f"{field_title(f)}: {f} text" for f in t.fields[1:])
            assert parse_example(reply, t) == {t.fields[0]: "x", **{f: f"{f} text" for f in t.fields[1:]}}
    # replies missing a field of a pair task are unparsable
    assert parse_example("Premise: it rained", get_task("rte")) is None
    assert parse_example("Premise: p\nChoice1: a\nChoice2: b", get_task("copa")) is None


def test_correct_label_rule():
    s = {"a": -1.0, "b": -0.7, "c": -0.9}
    assert correct_label("a", s, 0.3) == "b"          # gap exactly the margin → changes
    assert correct_label("a", s, 0.31) == "a"
    assert correct_label("c", s, 0.2) == "b"          # gap 0.2
    assert correct_label("c", s, 0.21) == "c"
    assert correct_label("b", s, 0.0) == "b"
    with pytest.raises(ValueError, match="no score"): correct_label("z", s, 0.1)


def test_map_answer():
    rte, cb, wic = get_task("rte"), get_task("cb"), get_task("wic")
    assert map_answer("not entailment.", rte) == "not_entailment"
    assert map_answer("Entailment: the hypothesis follows", rte) == "entailment"
    assert map_answer("Contradiction", cb) == "contradiction"
    assert map_answer("no", wic) == "False" and map_answer("True", wic) == "True"
    assert map_answer("banana", cb) is None


def test_relabel_matrix_counts():
    cb = get_task("cb")
    recs = [{"premise": "p", "hypothesis": "h", "label": l, "meta": {"initial_label": i}}
            for i, l in [("entailment", "entailment"), ("neutral", "contradiction"), ("neutral", "contradiction"),
                         ("contradiction", "neutral")]]
    M = relabel_matrix(recs, cb)
    assert M.loc["neutral", "contradiction"] == 2 and M.loc["contradiction", "neutral"] == 1
    assert M.loc["entailment", "entailment"] == 1 and int(M.values.sum()) == 4


def test_bad_parameters():
    for kw, msg in [(dict(judge="gpt"), "judge"), (dict(norm="max"), "norm"), (dict(margin=-1), "margin"),
                    (dict(trust=2), "trust"), (dict(seeds_per_context=0), "seeds_per_context"),
                    (dict(combiner_factory=3), "combiner_factory")]:
        with pytest.raises(ValueError, match=msg): TarGEN(**kw)


# ---------------------------------------------------------------- embedded model

# `lm` is conftest's session fixture (one model load per worker). Two contexts, one seed each: a batch is one list of
# contexts, one list of seeds and one instance row per label still needed.
SMALL = dict(n_contexts=2, contexts_per_batch=1, seeds_per_context=1, progress=False)


def no_shots(name):
    "Task `name` without its few-shot pool: the trust check then has nothing to judge (accuracy None: corrections apply)."
    return replace(get_task(name), shots=[])


def test_self_correction_changes_labels_only_where_the_score_says_so(lm):
    # the trust check on the shots is not what this tests (05_targen's runs check `applied` against the shot accuracy on
    # SST-2 and RTE; 04a_judge checks the calibrated scores on clear sentences): without shots it costs nothing
    sst2 = no_shots("sst2")
    texts = ["a joyless , clumsy and dreadful movie .", "the film is about a man and his dog ."]   # clear and neutral
    tg = TarGEN()                               # one instance: the calibration is computed once
    for margin in (0.0, 0.15, math.inf):
        tg.margin = margin
        recs = [{"text": t, "label": y, "meta": {"initial_label": y}} for t in texts for y in sst2.label_names]
        tg.correct(lm, sst2, recs)
        for r in recs:
            j = r["meta"]["judge"]
            assert j["applied"] and j["shot_accuracy"] is None
            gap = j["scores"][j["best"]] - j["scores"][r["meta"]["initial_label"]]
            changed = r["label"] != r["meta"]["initial_label"]
            assert changed == (gap >= margin and j["best"] != r["meta"]["initial_label"]), (r, margin)
            if changed: assert r["label"] == j["best"]
        if margin == 0.0: assert any(r["label"] != r["meta"]["initial_label"] for r in recs)   # the clear text moves
        if margin == math.inf: assert all(r["label"] == r["meta"]["initial_label"] for r in recs)
    # an untrusted judge (RTE: at chance on the shots) never changing a label is 05_targen's RTE run (warning, applied False)


def test_an_untrusted_judge_scores_nothing_unless_asked(lm_fp32):
    # the trust itself is `score_accuracy`'s (the model's scores), checked in both dtypes in test_curate.py; what is
    # TarGEN's own here (spend nothing on an untrusted judge) is the same in either dtype
    lm = lm_fp32
    # AG News: the embedded model's judge labels few of the card's shots right, so it is not trusted. Its verdicts could
    # change no label, so by default it spends nothing on them; `score_untrusted=True` scores them as evidence only.
    ag = get_task("ag_news")
    hand = lambda: [{"text": "Stocks fall as oil prices climb to a record high on supply fears.", "label": y,
                     "meta": {"initial_label": y}} for y in ("Sports", "Business")]
    skip, scored = TarGEN(progress=False), TarGEN(progress=False, score_untrusted=True)
    with pytest.warns(UserWarning, match="self-correction is OFF"): acc = skip.judge_accuracy(lm, ag)
    assert acc < skip.trust
    a, b = hand(), hand()
    skip.correct(lm, ag, a)
    with pytest.warns(UserWarning, match="self-correction is OFF"): scored.correct(lm, ag, b)
    for r in a: assert r["meta"]["judge"] == dict(kind="score", shot_accuracy=acc, applied=False, scored=False)
    assert (skip.work["judge_skipped"], skip.work["judged"]) == (2, 0)
    for r in b:
        j = r["meta"]["judge"]
        assert set(j["scores"]) == set(ag.label_names) and j["shot_accuracy"] == acc and not j["applied"]
    assert [r["label"] for r in a] == [r["label"] for r in b] == ["Sports", "Business"]   # neither changes a label
    assert scored.work["judged"] == 2


def test_text_judge(lm):
    sst2 = no_shots("sst2")
    recs = [{"text": "i loved this wonderful , funny movie .", "label": "negative", "meta": {"initial_label": "negative"}}]
    tg = TarGEN(judge="text")
    tg.correct(lm, sst2, recs)
    j = recs[0]["meta"]["judge"]
    assert j["kind"] == "text" and isinstance(j["answer"], str) and j["applied"]
    assert j["mapped"] == map_answer(j["answer"], sst2)
    assert recs[0]["label"] == (j["mapped"] or "negative")


def test_malformed_lists_are_retried_then_dropped(lm):
    tg = TarGEN(retries=2, list_sampling=SamplingConfig(max_new_tokens=1), **SMALL)   # one token cannot make a list of 2
    assert tg.generate_batch(lm, get_task("sst2"), random.Random(0), torch.Generator().manual_seed(0), 0, {"positive": 1}) == []
    # the default 4 lists side by side, each asked 3 times (1 + 2 retries), then dropped
    assert (tg.work["contexts_malformed"], tg.work["contexts_retried"], tg.work["contexts_dropped"]) == (12, 8, 4)


def test_combiner_hook(lm):
    # Step 3 (`instances`) is where the hook acts, so it is called directly on two hand-written seeds: every decoded
    # instance is compared (TarGEN's own rejections and the driver's filters come later), no batch has to keep one.
    sst2 = get_task("sst2")
    sampling = SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=16, alpha=0.1)
    pairs = [("a film festival", "A young director shows her first feature to a packed hall."),
             ("a rainy weekend", "A family watches an old comedy at home.")]
    calls, no_contrast = [], corrsynth_combiner(gamma=1.0, delta=1.0)
    def recorded(K, groups): calls.append((K, groups)); return no_contrast(K, groups)
    def step3(labels=sst2.label_names, **kw):   # a fresh, identically seeded generator for every run
        tg = TarGEN(judge=None, sampling=sampling, **SMALL, **kw)
        return tg.instances(lm, sst2, pairs, labels, torch.Generator().manual_seed(0), batch=5)
    raw = lambda recs: [r["meta"]["raw"] for r in recs]
    plain = step3()
    # CorrSynth with delta = gamma = 1 has no contrast (W = I), so through the hook it decodes exactly like plain TarGEN
    # (one decode checks both the hook and the factory; an identity combiner would only repeat the first)
    hooked = step3(["positive"], combiner_factory=recorded)    # contrast needs every label: asked for one, all K decoded
    assert calls == [(2, 2)]                                    # K = 2 label rows per seed, 2 seeds
    assert [(r["meta"]["group"], r["meta"]["seed_sentence"], r["label"]) for r in hooked] == \
           [(f"b5-s{j}", s, y) for j, (_, s) in enumerate(pairs) for y in sst2.label_names]   # seed-major rows
    assert raw(hooked) == raw(plain) and hooked[0]["meta"]["sampling"]["alpha"] == 0.1
    # with delta < 1 the label rows of a seed are pushed apart, so the same random numbers give other texts
    assert raw(step3(combiner_factory=corrsynth_combiner(gamma=1.0, delta=0.5))) != raw(plain)


def test_steps_2_and_3_run_at_the_batch_width(lm_each_dtype):
    # `seed_plan` asks for 4 seed lists (3 records needed per label, 4 rows per decode): they come back in ONE decode of
    # 4 rows (one drawn context: one prompt, prefilled once, sampled 4 times), then the instances, ≤ 4 rows per decode,
    # whole seeds of 2 label rows each. Step 1 decodes 3 context lists here, so that its decode is told apart.
    lists = SamplingConfig(temperature=0.9, top_p=0.95, max_new_tokens=40, stop=("\n\n",))
    tg = TarGEN(**{**SMALL, "batch_rows": 4}, context_lists=3, judge=None, list_sampling=lists,
                sampling=SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=24))
    need = {"negative": 3, "positive": 3}
    assert len(tg.seed_plan(["a context"], need, 4)[0]) == 4
    seen = []
    tg.decode = lambda lm, prompts, **kw: seen.append(len(prompts)) or TarGEN.decode(tg, lm, prompts, **kw)
    recs = tg.generate_batch(lm_each_dtype, get_task("sst2"), random.Random(2), torch.Generator().manual_seed(2), 0, need)
    assert seen[0] == 3                                      # step 1: the context lists, one decode
    after = seen[seen.index(4) + 1:]
    assert after and max(after) <= 4 and sum(after) % 2 == 0 and sum(after) <= 8, seen
    assert len(recs) <= sum(after) and all(r["meta"]["group"] == "b0" for r in recs)


def test_targen_on_a_card_without_templates(lm, card_without_data, tmp_path, monkeypatch):
    "A card of your own without `templates`: `synthlab generate --method targen` asks with `default_template`, and says so."
    import warnings
    from synthlab import lm as lm_module
    from synthlab.cli import main
    from synthlab.records import read_records
    from synthlab.targen import default_template
    from synthlab.task import get_task
    monkeypatch.setattr(lm_module, "load_lm", lambda *a, **k: lm)   # the session's embedded model, loaded once
    task = get_task(str(card_without_data))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        main(["generate", "--task", str(card_without_data), "--method", "targen", "--n", "3", "--n-contexts", "2",
              "--seeds-per-context", "2", "--out", str(tmp_path/"o.jsonl")])   # small lists: one batch, not three
    recs = read_records(tmp_path/"o.jsonl")
    assert sorted(r["label"] for r in recs) == ["card lost", "exchange rate", "refund"]
    for r in recs:
        m = r["meta"]
        asked = default_template(task, m["initial_label"]).format(context=m["context"], seed=m["seed_sentence"])
        assert asked in m["prompt"], m["prompt"]                      # the request that made it is the default one
        assert r["text"].strip()
    assert sum("has no `templates`" in str(x.message) for x in w) == 1, [str(x.message) for x in w]
