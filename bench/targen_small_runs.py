"""Benchmark: how many batches (and seconds) TarGEN's tiny `small` settings of notebook 05_targen take for 2 SST-2
records, by variant, generation seed and dtype. The notebook's generate-and-resume cells cost what these runs cost.

Usage: OMP_NUM_THREADS=1 python bench/targen_small_runs.py [--dtypes bfloat16 float32] [--variants A E] [--seeds 6 0 1 2]
Variants: A `small` as the notebook defines it (one context list, one seed per context, 40 tokens per list, 24 per
instance); C four lists and three seeds per context; D one list and three seeds; E four lists (the notebook's `tg4`);
F four lists, 64 tokens per list and 32 per instance. Prints one line per run: dtype, variant, seed, seconds, then the
run's summary counts (batches, rejections, TarGEN's malformed and dropped lists) and the batch each record came from
(session 42: a resume check needs a seed of several batches whose first batch kept a record).
"""
import argparse, os, sys, tempfile, time, warnings
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
warnings.simplefilter("ignore")
from synthlab.lm import load_lm
from synthlab.targen import TarGEN
from synthlab.decode import SamplingConfig
from synthlab.task import get_task
from synthlab.generate import generate

SMALL = dict(n_contexts=2, context_lists=1, contexts_per_batch=1, seeds_per_context=1,
             list_sampling=SamplingConfig(temperature=0.9, top_p=0.95, max_new_tokens=40, stop=("\n\n",)),
             sampling=SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=24))
VARIANTS = {"A": {}, "C": dict(context_lists=4, seeds_per_context=3), "D": dict(seeds_per_context=3),
            "E": dict(context_lists=4),
            "F": dict(context_lists=4, list_sampling=SamplingConfig(temperature=0.9, top_p=0.95, max_new_tokens=64, stop=("\n\n",)),
                      sampling=SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=32))}
SKIP = ("method", "task", "model", "seed", "n", "labels", "prompt_tokens", "generated_tokens", "computed_row_passes")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dtypes", nargs="+", default=["bfloat16", "float32"])
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[6, 0, 1, 2])
    a = ap.parse_args()
    sst2 = get_task("sst2")
    for dt in a.dtypes:
        lm = load_lm(dtype=dt)
        for name in a.variants:
            tg = TarGEN(**{**SMALL, **VARIANTS[name]}, progress=False)
            tg.judge_accuracy(lm, sst2)                       # the trust check once, untimed, as the notebook does
            for seed in a.seeds:
                t = time.time()
                res = generate(tg, sst2, lm, n=2, seed=seed, progress=False, out=Path(tempfile.mkdtemp())/"x.jsonl")
                s = res.summary
                print(dt, name, seed, f"{time.time() - t:.1f}s", {k: v for k, v in s.items() if k not in SKIP},
                      "records from batches", [r["meta"]["batch"] for r in res], flush=True)


if __name__ == "__main__": main()
