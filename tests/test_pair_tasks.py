"""Every generating method on the pair tasks RTE and COPA with the embedded model, at its *default* sampling.

Before the one stop/length rule (`Method.task_sampling`), `SamplingConfig.stop` defaulted to a newline, so CFG,
CorrSynth and SynAlign cut "Premise: …\\nHypothesis: …" after the premise and never produced a record on a pair task.
Each case runs the driver until one record passes the filters (a few batches at most) and checks that every field
parsed and that the decoding recorded with it is the task's: a blank-line stop and ≥ 96 new tokens.
Cells that may yield nothing run one batch (either outcome passes there; a second batch only cost time).
"""
import pytest
from synthlab.task import get_task
from synthlab.generate import generate, instance_tokens
from synthlab.prompts import reply_head


def tiny(name):
    """Method `name` with its default sampling, a few sequences per batch (rows cost little next to decode steps; the 135M
    model writes a parseable 4-field COPA instance in only a few of its tries)."""
    if name == "fewgen":
        from synthlab.fewgen import FewGen; return FewGen(per_label=4)
    if name == "cfg":
        from synthlab.corrsynth import CFG; return CFG(per_label=4)
    if name == "corrsynth":
        from synthlab.corrsynth import CorrSynth; return CorrSynth(groups=4)
    if name == "synalign":
        from synthlab.synalign import SynAlign; return SynAlign(per_label=4, pool_size=16, k_neighbours=1)
    if name == "targen":   # step 3 at its default; the step-1/2 lists of 2 and 1 items need no more than 40 tokens
        from synthlab.targen import TarGEN; from synthlab.decode import SamplingConfig
        return TarGEN(n_contexts=2, contexts_per_batch=1, seeds_per_context=1, judge=None, progress=False,
                      list_sampling=SamplingConfig(temperature=0.9, top_p=0.95, max_new_tokens=40, stop=("\n\n",)))


# RTE (two fields) must yield a record with every method but CorrSynth, and COPA (four fields) with FewGen: every method
# primes the reply with "Premise:" (`reply_head`), so the 135M model writes the "Field: value" layout. Without it COPA
# gave no parseable record in 4 batches with FewGen, CorrSynth, SynAlign or TarGEN (measured 2026-11-22, bf16). The
# guided methods' COPA cells and CorrSynth on RTE may still yield nothing within 2 batches: CorrSynth × RTE runs one
# batch and, if it yields nothing, must end in the driver's clear error naming the reject reasons.
MAY_YIELD_NOTHING = {("corrsynth", "rte")}
CASES = [(m, t) for m in ("fewgen", "cfg", "corrsynth", "synalign", "targen") for t in ("rte", "copa")]
# On the model: every method's pair-task path once, on RTE, and COPA's four fields with FewGen. TarGEN on RTE is
# 05_targen's pair-task run: it checks the same (both fields, the primed "Premise:" put back, the blank-line stop and
# ≥ 96 tokens in meta["sampling"]) on its own records, so it is not generated a second time here. The guided methods'
# and TarGEN's COPA cells are not run on the model: they take the same code path as their RTE cells (the task only
# changes the fields, which the no-model round trips in 02c/test_targen parse), they may yield nothing within a batch,
# so either outcome passed there, and the sampling rule they decode with is checked without a model for all ten cells
# (`test_method_decodes_pair_tasks_with_the_task_rule`); whether the 135M model yields them is the matrix's question (bench/results/matrix.md).
# FewGen on RTE is 03_fewgen's pair-task run (both fields, the primed "Premise:", the blank-line stop and ≥ 96 tokens).
MODEL_CASES = [("fewgen", "copa"), ("cfg", "rte"), ("corrsynth", "rte"), ("synalign", "rte")]
# seed of each model case, chosen so that its first batch yields a record on the fp32 CPU model (measured 2026-11-23):
# SynAlign × RTE took 2 batches at seed 0, FewGen × COPA 4 (seeds 1–14 yield nothing in one batch: about 1 in 10 of its
# one-row batches parses). On other machines (bf16) up to 4 batches still pass.
SEED = {("synalign", "rte"): 1, ("fewgen", "copa"): 15}


@pytest.mark.parametrize("method,task_name", CASES)
def test_method_decodes_pair_tasks_with_the_task_rule(method, task_name):
    "No model needed: what each method really decodes a pair task with is the task's blank-line stop and ≥ 96 tokens."
    task, m = get_task(task_name), tiny(method)
    s = m.instance_sampling(task) if method == "targen" else m.task_sampling(task)
    assert s.stop == ("\n\n",) and s.max_new_tokens >= instance_tokens(task) >= 96, s


@pytest.mark.parametrize("method,task_name", MODEL_CASES)
def test_method_yields_a_pair_record(lm, method, task_name):
    task, batches = get_task(task_name), 1 if (method, task_name) in MAY_YIELD_NOTHING else 4   # either outcome passes there
    try: recs = generate(tiny(method), task, lm, n=1, seed=SEED.get((method, task_name), 0), max_batches=batches,
                                 progress=False)
    except RuntimeError as e:
        assert (method, task_name) in MAY_YIELD_NOTHING, f"{method} on {task_name} must yield a record: {e}"
        assert f"{method}: only 0 of 1 records after {batches} batches; rejected: {{" in str(e), str(e)
        return
    assert len(recs) == 1
    r = recs[0]
    assert all(isinstance(r[f], str) and r[f].strip() for f in task.fields), r
    assert r["label"] in task.label_names
    assert all(r[f] in vs for f, vs in task.field_values.items()), r       # COPA's question is 'cause' or 'effect'
    head = reply_head(task)                         # the reply was primed with "Premise:" and read with it put back
    assert r["meta"]["prompt"].endswith(head) and r["meta"]["raw"].startswith(head), r["meta"]
    s = r["meta"]["sampling"]
    assert s["stop"] == ["\n\n"] and s["max_new_tokens"] >= instance_tokens(task) >= 96, s
