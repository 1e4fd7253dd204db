"""Benchmark: how many rows a batch asks for beyond what each label still needs (`seqs_needed`'s margin).

Usage: python bench/tail_margin.py [--margins 0.25 1.0] [--methods fewgen cfg corrsynth] [--tasks sst2 ag_news]
                                   [--n 40] [--seeds 0 1 2]
For each margin, method, task and seed: `generate` of `--n` records at 64 rows per batch (CLI defaults otherwise), its
seconds and batches; prints a markdown table of the totals over the seeds, with the machine, and writes it to
bench/results/tail-margin.md. The margin only changes the batches in which a label needs fewer rows than the batch
holds: the first batch of a small run, and the last batches of any run.
"""
import argparse, os, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
from synthlab.lm import load_lm, cpuinfo
from synthlab.generate import generate, seqs_needed
from synthlab.cli import make_parser, build_method
from synthlab.task import get_task


def run(lm, method: str, task: str, n: int, seed: int) -> tuple:
    "(seconds, batches) of one `generate` at 64 rows per batch."
    o = make_parser().parse_args(["generate", "--task", task, "--method", method, "--n", str(n), "--out", "-",
                                  "--batch-rows", "64"])
    t = time.perf_counter()
    r = generate(build_method(method, o, get_task(task)), task, lm, n=n, seed=seed, progress=False)
    return time.perf_counter() - t, r.summary["batches"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--margins", type=float, nargs="+", default=[0.25, 1.0])
    ap.add_argument("--methods", nargs="+", default=["fewgen", "cfg", "corrsynth"])
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    o = ap.parse_args()
    lm = load_lm()
    head = (f"machine: {cpuinfo('model name')}, {os.cpu_count()} cores; {lm}; load average {os.getloadavg()[0]:.1f}; "
            f"{o.n} records per run, seeds {o.seeds}")
    print(head, flush=True)
    run(lm, "fewgen", "sst2", 8, 99)                                           # warm-up
    default = seqs_needed.__defaults__
    rows = []
    try:
        for method in o.methods:
            for task in o.tasks:
                for margin in o.margins:
                    seqs_needed.__defaults__ = (margin,)
                    got = [run(lm, method, task, o.n, s) for s in o.seeds]
                    rows.append((method, task, margin, [g[0] for g in got], [g[1] for g in got])); print(rows[-1], flush=True)
    finally: seqs_needed.__defaults__ = default
    t = "| method | task | margin | seconds per seed | batches per seed | total seconds |\n|---|---|---|---|---|---|\n"
    t += "".join(f"| {m} | {k} | {g} | {', '.join(f'{x:.1f}' for x in s)} | {', '.join(map(str, b))} | {sum(s):.1f} |\n"
                 for m, k, g, s, b in rows)
    text = f"{head} (at the end: {os.getloadavg()[0]:.1f})\n\n{t}"
    print("\n" + text)
    out = Path(__file__).parent/"results"/"tail-margin.md"
    out.write_text(text)


if __name__ == "__main__":
    main()
