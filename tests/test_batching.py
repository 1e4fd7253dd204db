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


# bf16 rounds each matrix product to 8 bits of mantissa, so two batch layouts differ by more than in float32
TOL = {"float32": 1e-5, "bfloat16": 0.1}


def test_judge_batches_in_each_dtype(lm_each_dtype):
    "Several batches read the shared start (the task description) from ONE prefill: scores as one record at a time."
    lm, sst2 = lm_each_dtype, get_task("sst2")
    recs = [{"text": t} for t in TEXTS]
    one = np.concatenate([label_scores(lm, sst2, [r], calibrate=False) for r in recs])
    S = label_scores(lm, sst2, recs, calibrate=False, batch_size=2)
    tol = TOL[str(lm.dtype).removeprefix("torch.")]
    assert np.abs(S - one).max() < tol, (lm.dtype, np.abs(S - one).max())
    clear = np.abs(one[:, 0] - one[:, 1]) > 2 * tol                 # the judge decides the same where it is clear
    assert (S.argmax(1) == one.argmax(1))[clear].all()


def test_score_batch_sizes_and_a_shared_prefix_read_once(lm):
    "`LM.score` in calls of given sizes, the common start prefilled once, read as one copy by every row (float32)."
    q = "<|im_start|>system\nYou answer questions about capitals.<|im_end|>\n<|im_start|>user\n"
    ps = [q + x for x in ("France?", "Italy, please?", "Spain?", "Germany?")]
    cs = [" Paris", " Rome", " Madrid", " Berlin"]
    ref = lm.score(ps, cs, batch_size=1)
    assert np.abs((lm.score(ps, cs, batch_size=[3, 1]) - ref).numpy()).max() < 1e-4
    lm.share_prefix_from = 2                       # this instance only: rows read the one copy (`prefix_attention`)
    try: shared = lm.score(ps, cs, batch_size=[2, 2])
    finally: del lm.share_prefix_from
    assert np.abs((shared - ref).numpy()).max() < 1e-4   # summed log-probs ~ -10: float rounding of other shapes
    with pytest.raises(ValueError, match="do not cover"): lm.score(ps, cs, batch_size=[1, 1])
