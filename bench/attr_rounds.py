"""Benchmark: SynAlign's attribute attempts one per round (`together=1`, before session 29) against side by side (now).

Usage: python bench/attr_rounds.py [--seeds 0 1 2] [--tasks sst2 ag_news] [--out PATH]
Runs `bench/throughput.py`'s SynAlign (CLI defaults, --batch-rows 64, 64 kept) and FewGen at each seed, the variants
alternating in one process, and prints kept/min and the ratio to FewGen at the same seed, with the machine.
"""
import argparse, os, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import kept_per_minute, machine
from synthlab.lm import load_lm
import synthlab.synalign as sa

side_by_side = sa.extract_attributes
def one_per_round(*a, **k): return side_by_side(*a, **{**k, "together": 1})

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"attr-rounds.md"))
    o = ap.parse_args()
    lm = load_lm(); head = machine(lm); print(head, flush=True)
    kept_per_minute(lm, "sst2", "fewgen", 4)                                   # warm-up
    rows = []
    for task in o.tasks:
        for seed in o.seeds:
            few = kept_per_minute(lm, task, "fewgen", 64, seed=seed)
            for name, f in (("one per round", one_per_round), ("side by side", side_by_side)):
                sa.extract_attributes = f
                r = kept_per_minute(lm, task, "synalign", 64, seed=seed)
                rows.append((task, seed, name, r, few)); print(task, seed, name, r, flush=True)
    sa.extract_attributes = side_by_side
    t = ("| task | seed | attribute attempts | SynAlign s | kept/min | batches | FewGen kept/min | ratio |\n"
         "|---|---|---|---|---|---|---|---|\n")
    t += "".join(f"| {task} | {seed} | {name} | {r['seconds']:.1f} | {r['per_min']:.0f} | {r['batches']} | "
                 f"{few['per_min']:.0f} | {r['per_min'] / few['per_min']:.2f}× |\n" for task, seed, name, r, few in rows)
    text = f"{head}\n(load average at the end: {os.getloadavg()[0]:.1f})\n\n{t}"
    print("\n" + text); Path(o.out).write_text(text)

if __name__ == "__main__":
    main()
