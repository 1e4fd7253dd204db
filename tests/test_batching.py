"""Batching changes no result: the judge scores a record the same whatever batch it is in. Compared on the per-token
scores the judge decides on (`norm="mean"`), to 1e-5 in float32; summed over a 6-token verbalisation of log-prob ~-5,
two batch layouts differ by up to ~2e-5 (float rounding of other matrix shapes, as between any two layouts)."""
import numpy as np
import pytest
from synthlab.task import get_task
from synthlab.judge import label_scores

TEXTS = ["a joyless , clumsy and dreadful movie .", "fine .",
         "the film is about a man and his dog , and it takes its time getting anywhere , but the last act is moving .",
         "i loved this wonderful , funny movie .", "an ambitious failure ."]


@pytest.fixture(scope="module")
def lm(lm_fp32): return lm_fp32


def test_judge_batches_score_like_one_record_at_a_time(lm):
    sst2 = get_task("sst2")
    recs = [{"text": t} for t in TEXTS]
    one = np.concatenate([label_scores(lm, sst2, [r], calibrate=False) for r in recs])
    for width in (None, 2):   # one batch (shortest first inside it), and batches of two records
        S = label_scores(lm, sst2, recs, calibrate=False, batch_size=width)
        assert S.shape == (len(recs), 2) and np.abs(S - one).max() < 1e-5, (width, np.abs(S - one).max())


def test_judge_batches_pair_tasks_too(lm):
    rte = get_task("rte")
    recs = [{"premise": "The museum in Oslo opened a new wing for Viking ships on Monday.", "hypothesis": "It opened."},
            {"premise": "Rain fell.", "hypothesis": "The museum in Oslo closed for good after a long dispute."}]
    one = np.concatenate([label_scores(lm, rte, [r], calibrate=False) for r in recs])
    assert np.abs(label_scores(lm, rte, recs, calibrate=False) - one).max() < 1e-5
