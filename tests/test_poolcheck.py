"""Issue 35: the pool beside the synthetic set, and the check of a synthetic set against the pool.

The warning fires on a deliberately harmful set (shuffled labels, on a 6-label task) and stays quiet on a helpful one
(real training rows of the task standing in for a synthetic set); the pool's weight is what the docs say; the pool never
comes from a split that is evaluated on; `synthlab generate` reports the check.
"""
import random, warnings
from pathlib import Path

import numpy as np
import pytest

from synthlab.task import get_task, list_tasks
from synthlab.data import load_split
from synthlab.student import POOL_WEIGHT, pool_sample_weights, train_student, _pool_records, _check_pool_unseen
from synthlab.poolcheck import pool_check, pool_check_line


@pytest.fixture(scope="module")
def trec_sets():
    real = load_split("trec", "train", n=300, seed=0).to_list()
    labels = [r["label"] for r in real]; random.Random(0).shuffle(labels)
    return real, [{**r, "label": l} for r, l in zip(real, labels)]


def test_warning_fires_on_shuffled_labels_and_not_on_real_rows(trec_sets):
    real, shuffled = trec_sets
    good, bad = pool_check(real, "trec"), pool_check(shuffled, "trec")
    assert good["verdict"] == "helpful" and good["advice"] is None, pool_check_line(good)
    assert bad["verdict"] == "harmful", pool_check_line(bad)
    assert bad["advice"].startswith("labels disagree with your examples on ") and "try curate" in bad["advice"]
    assert good["kappa"] > 0.25 > 0.15 > bad["kappa"]
    assert set(good["per_label"]) == set(get_task("trec").labels)
    # 5 shots per label: the k-fold runs (5 folds of one shot per label) and is shown, but does not judge the set
    assert (good["cv"]["folds"], good["cv"]["n"], good["cv"]["in_verdict"]) == (5, 30, False)
    assert bad["cv"]["gain"] < 0 < good["cv"]["gain"], (good["cv"], bad["cv"])
    assert pool_check_line(good).endswith("with the set (5-fold over 30 examples: too few to judge by)")


def test_a_small_pool_gain_does_not_turn_a_helpful_set_harmful():
    "AG News FewGen (study, seed 0): on the test split pool + set beats the pool (0.791 vs 0.720); on 20 held-out shots it loses."
    from synthlab.records import read_records
    study = Path(__file__).resolve().parents[1]/"nbs"/"tutorials"/"study"
    recs = read_records(study/"ag_news"/"fewgen-a0.1"/"seed0"/"generation.jsonl")[:200]
    rep = pool_check(recs, "ag_news")
    assert rep["cv"]["gain"] < 0 and not rep["cv"]["in_verdict"] and rep["verdict"] == "helpful", pool_check_line(rep)
    assert pool_check(recs, "ag_news", min_per_label=2)["verdict"] == "harmful"   # what acting on it would say


def test_kfold_over_a_larger_pool_catches_the_harmful_set(trec_sets):
    real, shuffled = trec_sets
    seen = {r["text"] for r in real}
    tr = load_split("trec", "train", n=1500, seed=1).to_list()
    pool = [r for l in get_task("trec").labels for r in [x for x in tr if x["label"] == l and x["text"] not in seen][:8]]
    good, bad = pool_check(real, "trec", pool=pool), pool_check(shuffled, "trec", pool=pool)
    assert good["cv"]["n"] == 48 and good["cv"]["folds"] == 5
    assert bad["cv"]["gain"] < good["cv"]["gain"] and bad["verdict"] == "harmful" and good["verdict"] != "harmful"


def test_pool_weight_by_hand():
    "3 pool rows, 6 synthetic rows (N = 9), pool_weight 0.5: each pool row 0.5·9/3 = 1.5, each synthetic row 0.5·9/6 = 0.75."
    w = pool_sample_weights(3, 6, 0.5)
    np.testing.assert_allclose(w, [1.5] * 3 + [0.75] * 6)
    assert w[:3].sum() == pytest.approx(w[3:].sum()) == pytest.approx(4.5)
    # a record's own weight (MMD alignment) composes: synthetic row i gets (1 − share)·N·w_i/Σw; here Σw = 7
    w = pool_sample_weights(3, 6, 0.25, weights=[2, 1, 1, 1, 1, 1])
    np.testing.assert_allclose(w, [0.75] * 3 + [0.75 * 9 * 2 / 7] + [0.75 * 9 / 7] * 5)
    assert w.sum() == pytest.approx(9) and POOL_WEIGHT == 0.5


def test_the_weights_reach_the_linear_student():
    "pool_weight=1 trains on the pool alone, 0 on the synthetic set alone: the same scores as those sets trained alone."
    syn = load_split("sst2", "train", n=120, seed=0).to_list()
    te = load_split("sst2", "validation", n=100, seed=0).to_list()
    acc = lambda d, **k: train_student(d, te, "sst2", seeds=(0,), progress=False, **k).summary()["accuracy"]
    shots = get_task("sst2").shots
    assert acc(syn, pool=True, pool_weight=1.0) == acc(shots)
    assert acc(syn, pool=True, pool_weight=0.0) == acc(syn)
    r = train_student(syn, te, "sst2", seeds=(0,), progress=False, pool=True)
    assert (r.n_train, r.config["pool"], r.config["pool_weight"]) == (132, 12, POOL_WEIGHT)


@pytest.mark.parametrize("name", [t for t in list_tasks() if get_task(t).shots])
def test_the_pool_never_comes_from_an_evaluated_split(name):
    task = get_task(name)
    pool = _pool_records(True, task)
    for split in [s for s in task.split_names if not s.startswith("train")]:
        _check_pool_unseen(pool, load_split(task, split).to_list(), task)     # raises on any shared text
        with pytest.raises(ValueError, match="evaluated on"):
            _pool_records(f"{name}:{split}", task)


def test_a_pool_from_the_test_set_is_refused():
    te = load_split("sst2", "validation", n=50, seed=0).to_list()
    with pytest.raises(ValueError, match="3 of the pool's 3 examples are in the test set"):
        train_student(load_split("sst2", "train", n=40, seed=0).to_list(), te, "sst2", seeds=(0,), progress=False, pool=te[:3])


def test_generate_reports_the_pool_check(lm, tmp_path, capsys, monkeypatch):
    "`synthlab generate` (in this process, on the session's embedded model) ends its summary with the pool check."
    from synthlab import lm as lm_module
    from synthlab.cli import main
    monkeypatch.setattr(lm_module, "load_lm", lambda *a, **k: lm)   # the in-process backend looks it up at call time
    # the task's own length budget: a 12-token cap cut most candidates (`truncated`), so 4 records took 7 batches in
    # bfloat16 and 36 in float32 (of the 60 allowed) on the same CPU
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        main(["generate", "--task", "sst2", "--n", "4", "--out", str(tmp_path/"o.jsonl")])
    out = capsys.readouterr().out
    line = [l for l in out.splitlines() if l.startswith("pool check: ")]
    assert len(line) == 1 and "of 4 records" in line[0] and "your 12 examples" in line[0], out
    # 4 records: the numbers without a verdict, and no "looks harmful" warning whatever chance made of their labels
    assert line[0].startswith("pool check: too few records — ") and "a verdict needs 50" in line[0], line[0]
    assert not [x for x in w if "looks harmful" in str(x.message)]
