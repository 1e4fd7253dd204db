"""Where SynAlign's time goes against FewGen's (issue 33, session 35): each decode a run makes, timed, with its rows and
steps, and the time in prefill (`LM.start`), decode steps (`LM.step`) and row drops (`LM.keep`).

Usage: python bench/synalign_profile.py [--task sst2] [--seeds 0 1 2] [--n 64]
Runs are `bench/throughput.py`'s (the CLI's defaults, `--batch-rows` 64 on CPU), caches warmed by a 4-record run of
each method first. Prints a markdown table with the machine. The timers wrap the functions and add well under 1 %.
"""
import argparse, collections, os, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine, kept_per_minute
import synthlab.fewgen as fewgen_module, synthlab.synalign as synalign_module
from synthlab.lm import LM, load_lm

SPENT, CALLS, DECODES = collections.defaultdict(float), collections.Counter(), []

def timed(owner, name, log=None):
    "Wrap `owner.name` to add its seconds to SPENT[name] (and, with `log`, append log(args, result, seconds) to DECODES)."
    inner = getattr(owner, name)
    def wrapper(*a, **k):
        t = time.perf_counter(); out = inner(*a, **k); dt = time.perf_counter() - t
        SPENT[name] += dt; CALLS[name] += 1
        if log: DECODES.append(log(a, out, dt))
        return out
    setattr(owner, name, wrapper)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", default="sst2"); ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--n", type=int, default=64)
    a = ap.parse_args()
    lm = load_lm()
    for name in ("start", "step", "keep"): timed(LM, name)
    shape = lambda args, res, dt: f"{len(args[2])}×{max(map(len, res.token_ids))} {dt:.1f}s"   # rows × steps, seconds
    for cls in (fewgen_module.FewGen, synalign_module.SynAlign): timed(cls, "decode", shape)
    print(machine(lm), "\n")
    print("| method | seed | seconds | batches | prefill s | step s (steps) | keep s | decodes: rows × steps, seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for m in ("fewgen", "synalign"): kept_per_minute(lm, a.task, m, 4, seed=1000)     # warm caches, untimed
    for s in a.seeds:
        for m in ("fewgen", "synalign"):
            SPENT.clear(); CALLS.clear(); DECODES.clear()
            r = kept_per_minute(lm, a.task, m, a.n, seed=s)
            print(f"| {m} | {s} | {r['seconds']:.1f} | {r['batches']} | {SPENT['start']:.1f} | "
                  f"{SPENT['step']:.1f} ({CALLS['step']}) | {SPENT['keep']:.1f} | {'; '.join(DECODES)} |", flush=True)

if __name__ == "__main__": main()
