"""The dtype-sensitive checks, run in float32 *and* bfloat16 on every machine (`lm_each_dtype`): a CPU with AMX or
avx512_bf16 picks bfloat16, one without picks float32, and CI may be either. bf16 has 8-bit mantissas, so numbers that
agree to 1e-5 in float32 move by hundredths (a batch's padding alone does it); what must hold in both is the decision the
numbers feed. The tight float32 identities stay in their notebooks (04a_judge, 02_decode) on the float32 model; the pair
tasks' generation runs in both dtypes in test_pair_tasks.py."""
import numpy as np
import pytest
from synthlab.task import get_task
from synthlab.judge import label_scores, content_free_scores, correct_label

CLEAR = [("a wonderful , moving film with superb acting and a beautiful story .", "positive"),
         ("one of the best films of the year , brilliant and heartfelt .", "positive"),
         ("a boring , stupid mess with terrible acting and no story at all .", "negative"),
         ("the worst movie i have ever seen , a complete waste of time .", "negative")]
# |calibrated − (raw − content-free) / tokens|: the same scores through two batch layouts (2 and 4 prompts)
TOL = {"float32": 1e-5, "bfloat16": 0.1}   # both under the judge's MARGIN: a bf16 wobble cannot flip a decision
MARGIN = 0.15   # the judge's default margin (05_targen): a bf16 wobble must stay well under it


def test_judge_gets_clear_sentences_right(lm_each_dtype):
    lm, sst2 = lm_each_dtype, get_task("sst2")
    S = label_scores(lm, sst2, [{"text": t} for t, _ in CLEAR])
    assert [sst2.label_names[i] for i in S.argmax(1)] == [y for _, y in CLEAR], S
    for (_, y), row in zip(CLEAR, S):      # self-correction never moves a right label
        assert correct_label(y, dict(zip(sst2.label_names, row)), MARGIN) == y


def test_calibrated_scores_are_raw_minus_content_free_per_token(lm_each_dtype):
    lm, sst2 = lm_each_dtype, get_task("sst2")
    dtype = str(lm.dtype).removeprefix("torch.")
    S = label_scores(lm, sst2, [{"text": t} for t, _ in CLEAR])
    pick = [0, 2]
    raw = label_scores(lm, sst2, [{"text": CLEAR[i][0]} for i in pick], norm="sum", calibrate=False)
    ntok = np.array([len(lm.tokenizer(v, add_special_tokens=False)["input_ids"]) for v in sst2.labels.values()])
    gap = np.abs(S[pick] - (raw - content_free_scores(lm, sst2)) / ntok).max()
    assert gap < TOL[dtype], (dtype, gap)
