"""Every generating method on the pair tasks RTE and COPA with the embedded model, at its *default* sampling.

Before the one stop/length rule (`Method.task_sampling`), `SamplingConfig.stop` defaulted to a newline, so CFG,
CorrSynth and SynAlign cut "Premise: …\\nHypothesis: …" after the premise and never produced a record on a pair task.
Each case runs the driver until one record passes the filters (a few batches at most) and checks that every field
parsed and that the decoding recorded with it is the task's: a blank-line stop and ≥ 96 new tokens.
"""
import pytest
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.generate import generate, instance_tokens


@pytest.fixture(scope="module")
def lm(): return load_lm()


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
    if name == "targen":
        from synthlab.targen import TarGEN; return TarGEN(n_contexts=2, contexts_per_batch=1, seeds_per_context=1,
                                                            judge=None, progress=False)


# Measured 2026-11-22 (seed 0, 4 batches): these cells end in the driver's clear RuntimeError ("only 0 of 1 records after
# 4 batches; rejected: {'unparsable': …}"): the 135M model rarely writes every field of a 4-field COPA instance, and
# CorrSynth's contrast on RTE left no parseable pair in 4 groups. strict: a cell that starts passing is reported.
NO_RECORD_YET = {("fewgen", "copa"), ("corrsynth", "rte"), ("corrsynth", "copa"), ("synalign", "copa"), ("targen", "copa")}
CASES = [pytest.param(m, t, marks=pytest.mark.xfail(strict=True, raises=RuntimeError, reason="no parseable record in 4 batches (measured)"))
         if (m, t) in NO_RECORD_YET else (m, t)
         for m in ("fewgen", "cfg", "corrsynth", "synalign", "targen") for t in ("rte", "copa")]


@pytest.mark.parametrize("method,task_name", CASES)
def test_method_yields_a_pair_record(lm, method, task_name):
    task = get_task(task_name)
    recs = generate(tiny(method), task, lm, n=1, seed=0, max_batches=4, progress=False)
    assert len(recs) == 1
    r = recs[0]
    assert all(isinstance(r[f], str) and r[f].strip() for f in task.fields), r
    assert r["label"] in task.label_names
    s = r["meta"]["sampling"]
    assert s["stop"] == ["\n\n"] and s["max_new_tokens"] >= instance_tokens(task) == 96, s
