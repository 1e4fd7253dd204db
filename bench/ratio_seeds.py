"""Each method's kept/min against FewGen's at the same seed, over several seeds (issue 33's ≥ 0.5× goal, three seeds
rather than one run), with caches warm: before timing, each (task, method) runs once on 4 records at another seed, so
the first timed run does not pay for embedding SynAlign's pool or the judge's calibration.

Usage: python bench/ratio_seeds.py [--tasks sst2 ag_news] [--methods synalign targen] [--seeds 0 1 2] [--n 64]
Runs are at the CLI's defaults with `--batch-rows` 64 on CPU / 256 on GPU, like bench/throughput.py. Prints a
markdown table with the machine.
"""
import argparse, os, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine, kept_per_minute
from synthlab.lm import load_lm


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--methods", nargs="+", default=["synalign", "targen"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--n", type=int, default=64)
    a = ap.parse_args()
    lm = load_lm()
    print(machine(lm), "\n")
    methods = ["fewgen", *[m for m in a.methods if m != "fewgen"]]
    seeds = ", ".join(map(str, a.seeds))
    print(f"| task | method | seconds ({seeds}) | batches | kept / min ({seeds}) | × FewGen ({seeds}) | mean × FewGen |")
    print("|---|---|---|---|---|---|---|")
    for task in a.tasks:
        for m in methods: kept_per_minute(lm, task, m, 4, seed=1000)           # warm caches, untimed
        runs = {m: [kept_per_minute(lm, task, m, a.n, seed=s) for s in a.seeds] for m in methods}
        for m in methods:
            rs, ratio = runs[m], [r["per_min"] / f["per_min"] for r, f in zip(runs[m], runs["fewgen"])]
            col = lambda k, f: " / ".join(f.format(r[k]) for r in rs)
            print(f"| {task} | {m} | {col('seconds', '{:.1f}')} | {col('batches', '{}')} | {col('per_min', '{:.0f}')} | "
                  f"{' / '.join(f'{x:.2f}' for x in ratio)} | {sum(ratio) / len(ratio):.2f}× |", flush=True)


if __name__ == "__main__": main()
