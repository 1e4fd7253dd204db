"""Benchmark (issue 33, item 3): CPU seconds of 64 kept SST-2 FewGen records under each lever, interleaved A/B.

Usage: python bench/fp32_levers.py [--variants fp32 int8 bf16 tail4 share16 headT] [--reps 2] [--threads 1]
Each variant is one model setting or patch, run in turn (A, B, C, A, B, C, ...) in one process, seed 0, --batch-rows
64, after a 4-record warm-up; prints one JSON line per run (process CPU seconds, wall seconds, row passes, batches,
load average). fp32: float32, standard layout. int8: float32 with `layout="int8"` (its load time is printed apart).
bf16: bfloat16. tail4 / share16 / headT (float32, patches, not in the library): a label that still needs records
decodes at least 4 rows; prefixes shared from 16 rows on (not 32); only the output head stored transposed.
On a shared machine compare the CPU columns of one process's interleaved runs."""
import argparse, json, os, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false"); os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from throughput import kept_per_minute
import synthlab.fewgen
from synthlab.lm import load_lm, LM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", nargs="+", default=["fp32", "int8", "bf16"])
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    o = ap.parse_args()
    torch.set_num_threads(o.threads)
    models = {}
    for v in o.variants:
        kind = v if v in ("int8", "bf16") else "fp32"
        if kind not in models:
            c = time.process_time()
            models[kind] = load_lm(dtype="bfloat16" if kind == "bf16" else "float32", threads=o.threads,
                                   layout="int8" if kind == "int8" else "standard")
            print(json.dumps(dict(load=kind, cpu=round(time.process_time() - c, 2))), flush=True)
    seqs, share = synthlab.fewgen.seqs_needed, LM.share_prefix_from
    for lm in models.values(): kept_per_minute(lm, "sst2", "fewgen", 4)          # warm-up
    for r in range(o.reps):
        for v in o.variants:
            lm = models[v if v in ("int8", "bf16") else "fp32"]
            LM.share_prefix_from = 16 if v == "share16" else share
            synthlab.fewgen.seqs_needed = ((lambda need, most, margin=0.25: min(most, max(need + int(need * margin), 4)))
                                           if v == "tail4" else seqs)
            head = lm.model.lm_head.weight if v in ("fp32", "headT") else None
            if v == "headT": head.data = head.data.t().contiguous().t()
            res = kept_per_minute(lm, "sst2", "fewgen", 64)
            if v == "headT": head.data = head.data.contiguous()
            print(json.dumps(dict(variant=v, rep=r, cpu=round(res["cpu"], 2), wall=round(res["seconds"], 1),
                                  kept=res["n"], rows=res["rows"], batches=res["batches"],
                                  load=round(os.getloadavg()[0], 1))), flush=True)


if __name__ == "__main__":
    main()
