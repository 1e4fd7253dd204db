"""TarGEN's step 1 with one context list per decode (as before session 34) against `context_lists` lists side by side.

Usage: python bench/targen_contexts.py [--calls 20] [--seeds 0 1 2] [--tasks sst2 ag_news] [--n 64] [--out PATH]
1. Step 1 alone on SST-2 (`TarGEN.contexts`, the defaults but `context_lists`): `--calls` generator seeds for each of
   1, 2, 4 and 8 lists side by side. Per setting: mean and slowest seconds, the calls that gave no context (a batch
   that returns nothing), the lists asked for again, and the distinct contexts a call gives.
2. Whole runs: `--n` kept records of each task at each seed, CLI defaults, 64 rows, with 1 list and with 4 (the
   default), and FewGen at that seed for the ratio. Caches warm first (every method once on 4 records, another seed).
Prints markdown with the machine, and writes it to `--out`.
"""
import argparse, os, statistics, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
import torch
from throughput import machine, kept_per_minute
from synthlab.lm import load_lm
from synthlab.task import get_task
import synthlab.targen as tg

default_lists = tg.TarGENConfig.__dataclass_fields__["context_lists"].default
today_contexts = tg.TarGEN.contexts

def with_lists(k: int):
    "`TarGEN.contexts` with `context_lists` = k, whatever the method was built with."
    def contexts(self, lm, task, generator=None):
        saved, self.context_lists = self.context_lists, k
        try: return today_contexts(self, lm, task, generator)
        finally: self.context_lists = saved
    return contexts

def step1(lm, lists: int, calls: int) -> dict:
    "Step 1 alone, `calls` times (generator seeds 1000…): seconds, empty calls, retried lists, distinct contexts."
    m, task, secs, sizes = tg.TarGEN(context_lists=lists, progress=False), get_task("sst2"), [], []
    for s in range(calls):
        t = time.perf_counter(); ctx = m.contexts(lm, task, torch.Generator().manual_seed(1000 + s))
        secs.append(time.perf_counter() - t); sizes.append(len(ctx))
    return dict(mean=statistics.mean(secs), most=max(secs), empty=sum(n == 0 for n in sizes),
                retried=m.work["contexts_retried"], dropped=m.work["contexts_dropped"],
                median=statistics.median(sizes), least=min(sizes))

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"targen-contexts.md"))
    a = ap.parse_args()
    lm = load_lm()
    lines = [machine(lm), "", f"Step 1 alone on SST-2, {a.calls} calls per setting (`n_contexts` 8, T 0.9, top-p 0.95, "
             "≤ 96 tokens, 2 retries):", "",
             "| lists side by side | mean s | slowest s | calls with no context | lists asked again | lists dropped "
             "| distinct contexts (median, fewest) |", "|---|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for k in (1, 2, 4, 8):
        r = step1(lm, k, a.calls)
        lines.append(f"| {k} | {r['mean']:.2f} | {r['most']:.2f} | {r['empty']} of {a.calls} | {r['retried']} | "
                     f"{r['dropped']} | {r['median']:.0f}, {r['least']} |")
        print(lines[-1], flush=True)
    lines += ["", f"Whole runs: {a.n} kept records, CLI defaults, 64 rows; TarGEN with 1 context list and with "
              f"{default_lists} (the default).", "",
              "| task | seed | FewGen s | 1 list s (batches) | 4 lists s (batches) | 1 list × FewGen | 4 lists × FewGen |",
              "|---|---|---|---|---|---|---|"]
    print("\n".join(lines[-4:]), flush=True)
    for task in a.tasks:
        for method in ("fewgen", "targen"): kept_per_minute(lm, task, method, 4, seed=1000)
        sums = [0.0, 0.0]
        for seed in a.seeds:
            few, runs = kept_per_minute(lm, task, "fewgen", a.n, seed=seed), []
            for k in (1, default_lists):
                tg.TarGEN.contexts = with_lists(k)
                try: runs.append(kept_per_minute(lm, task, "targen", a.n, seed=seed))
                finally: tg.TarGEN.contexts = today_contexts
            (one, four), f = runs, few["per_min"]
            sums[0] += one["seconds"]; sums[1] += four["seconds"]
            lines.append(f"| {task} | {seed} | {few['seconds']:.1f} | {one['seconds']:.1f} ({one['batches']}) | "
                         f"{four['seconds']:.1f} ({four['batches']}) | {one['per_min'] / f:.2f} | {four['per_min'] / f:.2f} |")
            print(lines[-1], flush=True)
        lines.append(f"| {task} | mean | | {sums[0] / len(a.seeds):.1f} | {sums[1] / len(a.seeds):.1f} | | |")
        print(lines[-1], flush=True)
    lines += ["", f"(load average at the end: {os.getloadavg()[0]:.1f})"]
    Path(a.out).write_text("\n".join(lines) + "\n")

if __name__ == "__main__":
    main()
