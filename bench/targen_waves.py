"""Benchmark: TarGEN's instances in waves (`instance_waves`, session 30) against every seed as every label at once (before).

Usage: python bench/targen_waves.py [--seeds 0 1 2] [--tasks sst2 ag_news] [--records DIR] [--out PATH]
Runs `bench/throughput.py`'s TarGEN (CLI defaults, --batch-rows 64, 64 kept) both ways and FewGen at each seed, the
variants alternating in one process (the order flipped at each seed), and prints the seconds, kept/min, batches,
instance rows decoded and the ratio to FewGen at the same seed, with the machine. The judge's trust check and
calibration are computed once, in a warm-up, for both ways alike.
"""
import argparse, os, sys
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import kept_per_minute, machine
from synthlab.lm import load_lm
from synthlab.targen import TarGEN
from synthlab.generate import seqs_needed

in_waves = TarGEN.instance_waves
def at_once(self, lm, task, pairs, need, generator=None, batch=0, rows=64, bar=None):
    "Before session 30: the seeds the plan counted on, each as every label still needed, `rows` rows per decode, judged."
    labels = [y for y in task.label_names if need.get(y, 0) > 0] if need else task.label_names
    if need: pairs = pairs[:seqs_needed(max(need.values()), rows * self.seeds_per_context, self.spare)]   # `seed_plan`'s
    return self._checked(lm, task, self.instances(lm, task, pairs, labels, generator, batch, rows))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--records", type=Path, help="write the kept records of each task's first seed in waves here")
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"targen-waves.md"))
    o = ap.parse_args()
    lm = load_lm(); head = machine(lm); print(head, flush=True)
    kept_per_minute(lm, "sst2", "fewgen", 4)                                       # warm-up
    for task in o.tasks: kept_per_minute(lm, task, "targen", 4)                    # the judge's trust and calibration
    rows = []
    for task in o.tasks:
        for seed in o.seeds:
            few = kept_per_minute(lm, task, "fewgen", 64, seed=seed)
            ways = [("at once", at_once), ("in waves", in_waves)]
            for name, f in ways if seed % 2 == 0 else ways[::-1]:
                TarGEN.instance_waves = f
                keep = o.records if o.records and f is in_waves and seed == o.seeds[0] else None
                r = kept_per_minute(lm, task, "targen", 64, seed=seed, records=keep)
                rows.append((task, seed, name, r, few)); print(task, seed, name, r, few["per_min"], flush=True)
    TarGEN.instance_waves = in_waves
    rows.sort(key=lambda x: (o.tasks.index(x[0]), x[1], x[2]))
    t = ("| task | seed | instances | TarGEN s | kept/min | batches | row passes | FewGen kept/min | ratio |\n"
         "|---|---|---|---|---|---|---|---|---|\n")
    t += "".join(f"| {task} | {seed} | {name} | {r['seconds']:.1f} | {r['per_min']:.0f} | {r['batches']} | {r['rows']} | "
                 f"{few['per_min']:.0f} | {r['per_min'] / few['per_min']:.2f}× |\n" for task, seed, name, r, few in rows)
    mean = lambda task, name: sum(r["seconds"] for t_, s, n, r, f in rows if t_ == task and n == name) / len(o.seeds)
    t += "\n" + "".join(f"{task}: mean seconds at once {mean(task, 'at once'):.1f}, in waves {mean(task, 'in waves'):.1f}\n"
                        for task in o.tasks)
    text = f"{head}\n(load average at the end: {os.getloadavg()[0]:.1f})\n\n{t}"
    print("\n" + text); Path(o.out).write_text(text)

if __name__ == "__main__":
    main()
