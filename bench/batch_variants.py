"""Two ways to give SynAlign and TarGEN fewer sequential decodes, each against today's code (session 33), and what a
decode step costs at each width on this machine.

Usage: python bench/batch_variants.py [--task sst2] [--seeds 0 1 2] [--n 64] [--out PATH]
- SynAlign, `all attempts at once`: every attribute attempt of every demonstration in the batch's first decode
  (`extract_attributes(together=None)`: 3 per demonstration), so no later round of the few that failed; today the
  first round holds at most the batch's example rows (2 attempts a demonstration at 64 rows on SST-2).
- TarGEN, `one instance decode`: the batch's instance rows in one decode (`instances(rows=None)`: 112 rows on SST-2)
  instead of decodes of at most `batch_rows` (64 + 48).
Each variant runs right after today's code at the same seed (caches warm: every method first runs once on 4 records
at another seed), with FewGen at that seed for the ratio. Then `lm.step` at 1–192 rows, in the machine's dtype and in
float32, on a 16-token prompt (median of 15 steps after 3 warm-up steps). Prints markdown with the machine.
"""
import argparse, os, statistics, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine, kept_per_minute
from synthlab.lm import load_lm
import synthlab.synalign as sa
import synthlab.targen as tg

today_attributes, today_instances = sa.extract_attributes, tg.TarGEN.instances
def all_attempts_at_once(*a, **k): return today_attributes(*a, **{**k, "together": None})
def one_instance_decode(self, lm, task, pairs, labels, generator=None, batch=0, rows=None):
    return today_instances(self, lm, task, pairs, labels, generator, batch, None)

VARIANTS = {"synalign": ("all attempts at once", lambda on: setattr(sa, "extract_attributes",
                                                                    all_attempts_at_once if on else today_attributes)),
            "targen": ("one instance decode", lambda on: setattr(tg.TarGEN, "instances",
                                                                 one_instance_decode if on else today_instances))}

def step_ms(lm, rows: int) -> float:
    "Median milliseconds of one `lm.step` at `rows` rows after a 16-token prompt."
    state, logp = lm.start(["Write one short sentence from a review of a film you liked."] * rows)
    tokens = logp.argmax(-1)
    for _ in range(3): lm.step(state, tokens)
    times = []
    for _ in range(15):
        t = time.perf_counter(); lm.step(state, tokens); times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", default="sst2")
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"batch-variants.md"))
    a = ap.parse_args()
    lm = load_lm()
    lines = [machine(lm), "", f"{a.n} kept {a.task} records a run, CLI defaults, 64 rows.", "",
             "| method | seed | FewGen s | today s (batches) | variant s (batches) | today × FewGen | variant × FewGen |",
             "|---|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for method in VARIANTS: kept_per_minute(lm, a.task, method, 4, seed=1000)
    kept_per_minute(lm, a.task, "fewgen", 4, seed=1000)
    sums = {m: [0.0, 0.0] for m in VARIANTS}
    for seed in a.seeds:
        few = kept_per_minute(lm, a.task, "fewgen", a.n, seed=seed)
        for method, (name, switch) in VARIANTS.items():
            runs = []
            for on in (False, True):
                switch(on)
                try: runs.append(kept_per_minute(lm, a.task, method, a.n, seed=seed))
                finally: switch(False)
            (t, v), f = runs, few["per_min"]
            sums[method][0] += t["seconds"]; sums[method][1] += v["seconds"]
            line = (f"| {method} ({name}) | {seed} | {few['seconds']:.1f} | {t['seconds']:.1f} ({t['batches']}) | "
                    f"{v['seconds']:.1f} ({v['batches']}) | {t['per_min'] / f:.2f} | {v['per_min'] / f:.2f} |")
            lines.append(line); print(line, flush=True)
    lines += ["", "Mean seconds, today → variant: " + "; ".join(
        f"{m} {t / len(a.seeds):.1f} → {v / len(a.seeds):.1f}" for m, (t, v) in sums.items()), ""]
    widths = (1, 4, 8, 16, 32, 64, 96, 128, 192)
    steps = {str(lm.dtype).removeprefix("torch."): [step_ms(lm, r) for r in widths]}
    if "float32" not in steps:
        del lm
        fp32 = load_lm(dtype="float32")
        steps["float32"] = [step_ms(fp32, r) for r in widths]
    lines += ["ms per `lm.step` (median of 15):", "",
              "| dtype | " + " | ".join(f"{r} rows" for r in widths) + " |", "|---|" + "---|" * len(widths)]
    lines += [f"| {d} | " + " | ".join(f"{v:.1f}" for v in vals) + " |" for d, vals in steps.items()]
    lines += ["", f"(load average at the end: {os.getloadavg()[0]:.1f})"]
    print("\n".join(lines[-6:]), flush=True)
    Path(a.out).write_text("\n".join(lines) + "\n")

if __name__ == "__main__":
    main()
