"""Tests of synthlab.synalign's math on hand-made arrays (no LM, no embedder), and one SynAlign run with the embedded
model on a card of your own that has no data (its shots are the pool)."""
import math
import numpy as np
import pytest
import torch

from synthlab.embed import l2_normalize
from synthlab.explore import GPUncertaintyTracker, explore, coverage, coverage_curve, select_demonstrations
from synthlab.align import mmd_align, resample, align_records
from synthlab.metrics import mmd2


def weighted_mmd2(S, R, weights=None, bandwidth=None):
    return float(mmd2(np.asarray(S, float), np.asarray(R, float), bandwidth,
                      weights=None if weights is None else np.asarray(weights, float)))


def test_posterior_variance_by_hand():
    # 1-D pool {0, 1, 3}, tau = 1, eps = 0.05; a = k(1,0), b = k(1,3), c = k(0,3)
    eps = 0.05
    a, b, c = math.exp(-0.5), math.exp(-2.0), math.exp(-4.5)
    gp = GPUncertaintyTracker(np.array([[0.], [1.], [3.]]), tau=1.0, eps=eps, normalize=False)
    gp.add(2)                                   # condition on x = 3 first this time
    assert gp.var[0] == pytest.approx(1 - c*c/(1+eps), abs=1e-12)
    assert gp.var[1] == pytest.approx(1 - b*b/(1+eps), abs=1e-12)
    gp.add(0)
    det = (1+eps)**2 - c*c
    expected = 1 - ((1+eps)*(a*a + b*b) - 2*a*b*c)/det
    assert gp.var[1] == pytest.approx(expected, abs=1e-12)
    # the chosen points: σ²(0) = 1 − [1 c] M⁻¹ [1 c]ᵀ
    expected0 = 1 - ((1+eps)*(1 + c*c) - 2*c*c)/det
    assert gp.var[0] == pytest.approx(expected0, abs=1e-12)


def test_incremental_matches_closed_form_on_a_larger_pool():
    X = np.random.default_rng(3).normal(size=(300, 12))
    gp = GPUncertaintyTracker(X, tau=2.0, eps=1e-4)
    for i in np.random.default_rng(4).choice(300, 40, replace=False): gp.add(i)
    np.testing.assert_allclose(gp.posterior_variance(gp.X), gp.var, atol=1e-8)
    # query points outside the pool use the same closed form
    Q = l2_normalize(np.random.default_rng(5).normal(size=(7, 12)))
    v = gp.posterior_variance(Q)
    assert v.shape == (7,) and (v >= 0).all() and (v <= 1).all()


def test_far_point_before_near_duplicate():
    X = np.array([[1., 0.], [1., 1e-3], [0., 1.]])
    for seed in range(20):
        ch = explore(X, n_clusters=2, k_neighbours=0, seed=seed).chosen
        assert 2 in ch and (0 in ch) != (1 in ch)


def _toy(seed=0, d=16):
    rng = np.random.default_rng(seed)
    centres = l2_normalize(rng.normal(size=(12, d)))
    sizes = [200]*3 + [15]*9
    X = np.concatenate([c + 0.15*rng.normal(size=(s, d))/math.sqrt(d) for c, s in zip(centres, sizes)])
    return l2_normalize(X), np.repeat(np.arange(12), sizes)


@pytest.mark.parametrize("acquisition", ["variance", "reduction"])
def test_gp_coverage_beats_random_on_clustered_toy(acquisition):
    X, y = _toy()
    ex = explore(X, 12, 0, seed=0, acquisition=acquisition)
    gp_cov = coverage(X, ex.chosen, 0.3)
    rand = np.mean([coverage(X, np.random.default_rng(s).permutation(len(X))[:12], 0.3) for s in range(20)])
    assert gp_cov >= rand + 0.1
    assert len(set(y[ex.chosen])) == 12


def test_reduction_with_reference_subset():
    X, _ = _toy(1)
    a = explore(X, 6, 2, acquisition="reduction", n_ref=100, seed=0)
    assert a == explore(X, 6, 2, acquisition="reduction", n_ref=100, seed=0)
    assert len(set(a.members)) == 18


def test_coverage_by_hand():
    P = np.array([[0.], [1.], [3.], [3.5]])
    assert coverage(P, [0], 1.0, normalize=False) == 0.5
    np.testing.assert_array_equal(coverage_curve(P, [0, 3], 1.0, normalize=False), [0.5, 1.0])


def _mixture(seed=0, n=200, d=8):
    rng = np.random.default_rng(seed)
    S = np.concatenate([rng.normal(size=(n//2, d)), rng.normal(size=(n//2, d)) + 1.5])
    return S, rng.normal(size=(n, d)), np.r_[np.ones(n//2, bool), np.zeros(n//2, bool)]


def test_mmd_by_hand():
    # S = {0, 2}, R = {1}, bandwidth 1: K_SS = [[1, e^-2], [e^-2, 1]], K_SR = [e^-1/2, e^-1/2]
    S, R = np.array([[0.], [2.]]), np.array([[1.]])
    expected = (2 + 2*math.exp(-2))/4 - 2*math.exp(-0.5) + 1
    assert weighted_mmd2(S, R, bandwidth=1.0) == pytest.approx(expected)
    w = np.array([0.25, 0.75])
    expected_w = w @ np.array([[1, math.exp(-2)], [math.exp(-2), 1]]) @ w - 2*math.exp(-0.5) + 1
    assert weighted_mmd2(S, R, w, bandwidth=1.0) == pytest.approx(expected_w)


def test_mmd_align_moves_weight_on_distribution_and_is_reproducible():
    S, R, on = _mixture()
    threads = torch.get_num_threads()
    al = mmd_align(S, R, seed=0)
    assert torch.get_num_threads() == threads          # thread cap is restored
    assert al.mmd2_after < 0.25*al.mmd2_before
    assert al.weights[on].sum() > 0.8
    np.testing.assert_array_equal(al.weights, mmd_align(S, R, seed=0).weights)
    recs = [{"text": str(i), "label": "a"} for i in range(len(S))]
    out = resample(recs, al.weights, seed=1)
    assert len(out) == len(recs)
    assert out == resample(recs, al.weights, seed=1)
    src = np.array([r["meta"]["synalign"]["source_index"] for r in out])
    assert on[src].mean() > 0.8
    assert weighted_mmd2(S[src], R, bandwidth=al.bandwidth) < 0.5*al.mmd2_before


def test_align_records_by_label_keeps_label_counts():
    S, R, on = _mixture(1)
    labels = ["a", "b"]*100
    syn = [{"text": f"s{i}", "label": labels[i], "meta": {"on": bool(on[i])}} for i in range(200)]
    real = [{"text": f"r{i}", "label": labels[i]} for i in range(200)]
    out, rep = align_records(syn, real, embeddings=(S, R), seed=0)
    assert len(out) == 200 and sorted(r["label"] for r in out) == sorted(labels)
    assert rep["mmd2_after"] < rep["mmd2_before"]
    assert np.mean([r["meta"]["on"] for r in out]) > 0.75
    assert all(r["meta"]["synalign"]["source_index"] < 200 for r in out)
    assert out == align_records(syn, real, embeddings=(S, R), seed=0)[0]


def test_select_demonstrations_with_given_embeddings():
    X, y = _toy(2)
    pool = [{"text": f"t{i}", "label": "big" if y[i] < 3 else "small"} for i in range(len(X))]
    demos = select_demonstrations(pool, n_per_label=3, k_neighbours=2, embeddings=X)
    assert sorted(demos) == ["big", "small"]
    for label, recs in demos.items():
        assert len(recs) == 9 and all(r["label"] == label for r in recs)
        assert [r["meta"]["synalign"]["role"] for r in recs[:3]] == ["centre", "neighbour", "neighbour"]
    # the three centres of "big" fall in the three big toy clusters
    assert {y[r["meta"]["synalign"]["pool_index"]] for r in demos["big"] if r["meta"]["synalign"]["role"] == "centre"} == {0, 1, 2}


# ---- phase 2: attribute reasoning, SynAlign generation, align_file ----------------------------------------------
from collections import Counter
from synthlab.synalign import parse_attributes, extract_attributes, ATTRIBUTE_EXAMPLE, SynAlign, load_pool, synalign_shots
from synthlab.decode import SamplingConfig


def test_parse_attributes_good_partial_garbage():
    good = "topic: a heist gone wrong\n- Style: terse\n2. **tone**: \"bleak\".\nentity = Ocean's Eleven"
    assert parse_attributes(good) == {"topic": "a heist gone wrong", "style": "terse", "tone": "bleak",
                                      "entities": "Ocean's Eleven"}
    # partial: required topic present, optional values missing or unusable (numeric, looping, example copy)
    assert parse_attributes("topic: a heist gone wrong") == {"topic": "a heist gone wrong"}
    assert parse_attributes("topic: heists\nstyle: 4.3\ntone:" + " dark,"*20) == {"topic": "heists"}
    assert parse_attributes("topic: heists\nstyle: casual complaint", example=ATTRIBUTE_EXAMPLE) == {"topic": "heists"}
    # garbage: no keys, key list echoed, required key missing, placeholder, copies of the source or the example
    for bad in ["This review is negative.", "topic: style, tone, entities", "style: terse\ntone: bleak",
                "topic: <topic>", "topic: none", "topic: ...", "", None]:
        assert parse_attributes(bad) is None, bad
    src = "the heist goes wrong in every possible way"
    assert parse_attributes(f"topic: {src}", source=src) is None
    assert parse_attributes("topic: a phone's battery life", example=ATTRIBUTE_EXAMPLE) is None
    with pytest.raises(ValueError, match="not among keys"):
        parse_attributes("topic: x", keys=("topic",), required=("plot",))


# `lm`: conftest's session fixture (one model load per worker)


def test_extract_attributes_retries_are_counted(lm):
    demos = [dict(text="a gorgeous , witty , seductive movie .", label="positive"),
             dict(text="the plot is nothing but boilerplate clichés from start to finish", label="negative")]
    # after the primed "topic:", three new tokens cannot also hold a "tone: <value>" line, so with tone required every
    # demonstration is retried `retries` times and then dropped (06c_synalign checks a normal extraction's counts)
    starved = extract_attributes(lm, "sst2", demos, required=("topic", "tone"), retries=2, seed=0,
                                 sampling=SamplingConfig(max_new_tokens=3, stop=("\n\n",)))
    assert starved.attributes == [None, None] and starved.attempts == [3, 3]
    assert dict(starved.counts) == {"retries": 4, "dropped": 2}


def test_synalign_generation_is_reproducible_and_keeps_attributes(lm, tmp_path):
    from synthlab.generate import generate
    # short budgets (a topic line and a short sentence fit): the cost is decode steps, three runs of them. Seed 0: on the
    # float32 model every run fills n=2 in one batch (seed 3 needed a second batch in each after a label-leak rejection)
    kw = dict(per_label=1, pool_size=120, sampling=SamplingConfig(max_new_tokens=32),
              attr_sampling=SamplingConfig(temperature=0.7, top_p=0.95, max_new_tokens=24, stop=("\n\n",)))
    a = generate(SynAlign(**kw), "sst2", lm, n=2, out=tmp_path/"a.jsonl", seed=0, progress=False)
    generate(SynAlign(**kw), "sst2", lm, n=2, out=tmp_path/"b.jsonl", seed=0, progress=False)
    assert (tmp_path/"a.jsonl").read_bytes() == (tmp_path/"b.jsonl").read_bytes()
    pool = load_pool("sst2", n=120)
    assert Counter(r["label"] for r in a) == {"negative": 1, "positive": 1}
    for r in a:
        m = r["meta"]
        assert m["attributes"]["topic"] and m["attributes"]["length"].startswith("about ")
        assert pool[m["pool_index"]]["label"] == r["label"]
        assert f"topic: {m['attributes']['topic']}" in m["prompt"]
    # the ablation: no attribute step, the FewGen request on GP-chosen clusters
    c = generate(SynAlign(attributes=False, **kw), "sst2", lm, n=2, seed=0, progress=False)
    assert all(r["meta"]["attributes"] is None and "attributes (" not in r["meta"]["prompt"] for r in c)


def test_split_shared_text_shares_the_task_description(lm):
    from synthlab.synalign import synalign_conversation
    from synthlab.task import get_task
    sa = SynAlign(per_label=2, pool_size=120)
    cl = sa.prepare("sst2")["clusters"]
    convs = [synalign_conversation("sst2", y, cl[y][j], {"topic": "a heist film"}) for y in cl for j in range(2)]
    prefix, suffixes = lm.split_shared_text(convs, "Text:")           # no message is shared: the description is
    assert get_task("sst2").description in prefix and prefix.rstrip().endswith("Examples:")
    for c, s in zip(convs, suffixes):
        assert prefix + s == lm.chat(c) + "Text:"
        whole = lm._encode(lm.chat(c) + "Text:", first=True)
        assert lm._encode(prefix, first=True) + lm._encode(s, first=False) == whole
    same = [convs[0], synalign_conversation("sst2", "negative", cl["negative"][0], {"topic": "a war film"})]
    assert lm.split_shared_text(same)[0] == lm.split_prefix(same)[0] != ""   # a shared system message: cut after it


def test_synalign_examples_per_demonstration_share_prompt_and_attributes(lm_each_dtype):
    lm = lm_each_dtype
    import random
    from synthlab.task import get_task
    kw = dict(per_label=4, per_demo=2, pool_size=120, sampling=SamplingConfig(max_new_tokens=16),
              attr_sampling=SamplingConfig(temperature=0.7, top_p=0.95, max_new_tokens=24, stop=("\n\n",)))
    run = lambda sa: sa.generate_batch(lm, get_task("sst2"), random.Random(0), torch.Generator().manual_seed(0), 0,
                                       {"negative": 2, "positive": 2})
    # 2 still needed + the margin (int(2 * 0.75) = 1): 3 rows per label, from 2 demonstrations (2 rows + 1 row)
    sa = SynAlign(attributes=False, **kw); out = run(sa)
    assert len(out) + sa.work["copies_pool"] == 6
    if not sa.work["copies_pool"]: assert sorted(Counter(r["meta"]["pool_index"] for r in out).values()) == [1, 1, 2, 2]
    sa = SynAlign(**kw); out = run(sa)
    assert sum(sa.work[f"attr_{k}"] for k in ("complete", "salvaged", "dropped")) == 4   # one reasoning per demo
    by = {}
    for r in out: by.setdefault(r["meta"]["pool_index"], []).append(r)
    for rs in by.values():
        assert len(rs) <= 2 and len({r["meta"]["prompt"] for r in rs}) == 1
        assert all(r["meta"]["attributes"] == rs[0]["meta"]["attributes"] != None for r in rs)
    assert any(len(rs) == 2 for rs in by.values())


def test_synalign_shots_come_from_the_pool():
    t = synalign_shots("sst2", n_per_label=3, pool_size=120)
    pool = [{k: r[k] for k in ("text", "label")} for r in load_pool("sst2", n=120)]
    assert Counter(s["label"] for s in t.shots) == {"negative": 3, "positive": 3}
    assert all(s in pool for s in t.shots)


# align_file on real text (SST-2 phrases + IMDb openings aligned to SST-2 validation: size, labels, MMD² down, the
# SST-2 share up, the report file, `n`, the same records as align_records) is checked in nbs/06b_align.ipynb.


def test_synalign_on_a_card_without_data(lm, card_without_data, tmp_path, monkeypatch):
    "A card of your own with only its shots: `synthlab generate --method synalign` explores the shots, and says so."
    import warnings
    from synthlab import lm as lm_module
    from synthlab.cli import main
    from synthlab.records import read_records
    from synthlab.task import get_task
    monkeypatch.setattr(lm_module, "load_lm", lambda *a, **k: lm)   # the session's embedded model, loaded once
    card = card_without_data
    shots = get_task(str(card)).shots
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        # 64 new tokens: the card's own budget cuts about half of the messages, each cut one a tail batch more (7 in all)
        main(["generate", "--task", str(card), "--method", "synalign", "--n", "3", "--max-new-tokens", "64",
              "--out", str(tmp_path/"o.jsonl")])
    recs = read_records(tmp_path/"o.jsonl")
    assert sorted(r["label"] for r in recs) == ["card lost", "exchange rate", "refund"]
    for r in recs:
        m = r["meta"]
        assert m["params"]["split"] == "shots", m["params"]
        assert shots[m["pool_index"]]["label"] == r["label"]          # the demonstration is one of the card's shots
        assert m["attributes"]["topic"] and r["text"].strip()
    assert any("no train split" in str(x.message) for x in w), [str(x.message) for x in w]
