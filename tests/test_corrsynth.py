"""Integration tests for synthlab.corrsynth on the embedded model: forward-pass accounting through the methods, finished rows
leaving the contrast, resume. 04_corrsynth checks on the model that δ = γ = 1 is FewGen, the group layout (K·M rows in
rows k·M + m), the decode loop's passes per method, and that a batch repeats from its seed."""
import os
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
import json, random

import pytest
import torch

from synthlab.corrsynth import CFG, CorrSynth, CorrSynthCombiner, active_weights, contrast_instructions
from synthlab.decode import SamplingConfig, decode
from synthlab.generate import generate
from synthlab.records import RunCodec, read_records
from synthlab.prompts import fewshot_conversation, label_instruction, sample_shots, label_head, reply_head, prompt_hash
from synthlab.task import get_task


# `lm`: conftest's session fixture (one model load per worker)


def _batch(method, lm, task, seed=0, need=None):
    "One raw candidate batch (before filtering), seeded like `generate` does."
    task = get_task(task)
    need = need or {y: 100 for y in task.label_names}
    return method.generate_batch(lm, task, random.Random(seed), torch.Generator().manual_seed(seed), 0, need)


def _feeds(rec, T):
    "Decode steps after the prefill during which this record's sequence was still running."
    n = rec["meta"]["tokens"] - (rec["meta"]["finish_reason"] == "stop")
    return min(n, T - 1)


def test_forward_passes_per_generated_example(lm):
    "Through the methods' `work` counters: CFG 2 rows per sequence-step ('none' contrast too), CFG 'each' K rows."
    # CorrSynth's 1 row per sequence-step is 04_corrsynth's: counted at the decode loop (with FewGen's and CFG's), and its
    # raw batch holds exactly K·M records per group, one per row; the counters are the same `Method.decode` for every method
    T = 6
    sc = SamplingConfig(max_new_tokens=T)
    cases = [("sst2", CFG(per_label=2, contrast="none", sampling=sc), 2), ("ag_news", CFG(per_label=1, contrast="each", sampling=sc), 4)]
    for task, method, rows_per_seq in cases:
        recs = _batch(method, lm, task)
        assert len(recs) == 4
        assert method.work["row_passes"] == rows_per_seq * sum(1 + _feeds(r, T) for r in recs), (task, method.name)


def test_replies_start_with_their_prompts_label_tag(lm):
    "CFG and CorrSynth prime each row's reply with the tag of the label its prompt asks for; the record's text is not primed."
    sc = SamplingConfig(max_new_tokens=4)
    for task, contrast in (("sst2", "other"), ("ag_news", "each"), ("ag_news", "other")):
        t = get_task(task)
        recs = _batch(CFG(per_label=1, contrast=contrast, sampling=sc), lm, task)
        shots = sample_shots(t, 2, random.Random(0))
        for r in recs:
            y, m = r["label"], r["meta"]
            assert m["prompt"].endswith(label_head(t, y)) and not r["text"].startswith("(")
            # rebuild the contrast prompts (the batch's shots come first from its seeded rng) and compare their hashes
            others = [o for o in t.label_names if o != y]
            tags = [label_head(t, o) for o in others] if contrast == "each" or len(others) == 1 else [reply_head(t)]
            convs = [fewshot_conversation(t, shots, c) for c in contrast_instructions(t, y, contrast)]
            prefix, suffixes = lm.split_prefix([fewshot_conversation(t, shots, label_instruction(t, y))] + convs)
            assert m["prompt"] == prefix + suffixes[0] + label_head(t, y)
            assert m["contrast_prompt_hash"] == [prompt_hash(prefix + s + tag) for s, tag in zip(suffixes[1:], tags)]
        untagged = _batch(CFG(per_label=1, contrast=contrast, sampling=sc, tag_reply=False), lm, task)
        assert all(not r["meta"]["prompt"].endswith(label_head(t, r["label"])) for r in untagged)
    for task in ("sst2", "ag_news"):
        t = get_task(task)
        for r in _batch(CorrSynth(groups=1, sampling=sc), lm, task):
            assert r["meta"]["prompt"].endswith(label_head(t, r["label"]))


def test_finished_rows_leave_the_contrast_on_the_real_model(lm):
    "Every step's scores equal W_active @ ℓ, with finished rows' weights moved to the rows still running."
    sst2 = get_task("sst2")
    shots = sample_shots(sst2, 2, random.Random(0))
    prefix, suf = lm.split_prefix([fewshot_conversation(sst2, shots, label_instruction(sst2, y)) for y in sst2.label_names])
    comb = CorrSynthCombiner(2, 2, gamma=1.5, delta=0.5, gamma_intra=2, gamma_cross=1)
    seen = []
    def check(t, logprobs, scores, base, active):
        expect = active_weights(comb.W, active).float() @ logprobs
        run = active.nonzero()[:, 0]
        torch.testing.assert_close(scores[run], expect[run], rtol=1e-4, atol=1e-3)
        seen.append(int(active.sum()))
    res = decode(lm, [suf[0], suf[0], suf[1], suf[1]], prefix=prefix, combiner=comb,
                 sampling=SamplingConfig(alpha=0.1, max_new_tokens=32, stop=("\n",)), generator=torch.Generator().manual_seed(2), trace=check)
    assert seen[0] == 4 and min(seen) < 4, f"no row finished early: {res.finish}"
    assert any(0 < k < 4 for k in seen)


def test_same_seed_same_file_and_resume(lm, tmp_path):
    "A CorrSynth run cut back to its first batch (plus a torn half line) resumes to the same bytes: the later batches are decoded again from the same seed."
    sst2 = get_task("sst2")
    mk = lambda: CorrSynth(groups=1)   # one K = 2 group a batch: n = 4 takes ≥ 2 batches (the task's length: 12 tokens cut most records)
    generate(mk(), sst2, lm, n=4, out=tmp_path/"a.jsonl", seed=4, progress=False)
    lines = (tmp_path/"a.jsonl").read_text().splitlines(keepends=True)
    codec = RunCodec()   # a run file: header and prompt lines (None here) among the records
    batch_of = [(codec.read(json.loads(l)) or {}).get("meta", {}).get("batch") for l in lines]
    b0 = next(b for b in batch_of if b is not None)
    first = lines[:max(i for i, b in enumerate(batch_of) if b == b0) + 1]
    assert len(first) < len(lines), "need more than one batch to test resuming"
    (tmp_path/"c.jsonl").write_text("".join(first) + lines[len(first)][:30])   # plus a torn half line
    with pytest.warns(UserWarning, match="torn last line"):
        generate(mk(), sst2, lm, n=4, out=tmp_path/"c.jsonl", seed=4, progress=False)
    assert (tmp_path/"c.jsonl").read_bytes() == (tmp_path/"a.jsonl").read_bytes()
    recs = read_records(tmp_path/"a.jsonl")
    assert all(r["meta"]["params"]["delta"] == 0.5 and r["meta"]["params"]["alpha"] == 0.1 for r in recs)
