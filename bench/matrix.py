"""Matrix: every generation method × every built-in task, a few records each, on the embedded model.

Usage: python bench/matrix.py [--n 2] [--max-batches 3] [--methods fewgen cfg ...] [--tasks sst2 rte ...] [--seed 0]
Prints a markdown table (kept share = kept / candidates, reject reasons, seconds, or the error that stopped the
cell) with the machine, and writes it to bench/results/matrix.md. Each cell runs the driver (`generate`) with the
method's defaults at a tiny budget (one or two sequences per label per batch), so a broken cell is visible: a cell
that cannot work must end in a clear error naming why, which the table shows. Seconds depend on the machine's load.
"""
import argparse, os, platform, time, traceback
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
import torch
from synthlab.lm import load_lm
from synthlab.task import get_task, list_tasks
from synthlab.generate import generate
from synthlab.filters import RecordFilter


def tiny(name):
    "The method `name` at a tiny budget: its defaults, but few sequences per batch."
    if name == "fewgen":
        from synthlab.fewgen import FewGen; return FewGen(per_label=1)
    if name == "cfg":
        from synthlab.corrsynth import CFG; return CFG(per_label=1)
    if name == "corrsynth":
        from synthlab.corrsynth import CorrSynth; return CorrSynth(groups=1)
    if name == "synalign":
        from synthlab.synalign import SynAlign; return SynAlign(per_label=1, pool_size=60)
    if name == "targen":
        from synthlab.targen import TarGEN; return TarGEN(n_contexts=2, contexts_per_batch=1, seeds_per_context=1, progress=False)
    raise ValueError(f"unknown method {name!r}")


def cell(lm, method_name, task_name, n, max_batches, seed):
    "Run one cell → dict(kept, candidates, rejected, seconds, error)."
    task, t0 = get_task(task_name), time.time()
    filt, kept, error = RecordFilter(task), 0, ""
    try:
        kept = len(generate(tiny(method_name), task, lm, n=n, seed=seed, filt=filt, max_batches=max_batches, progress=False))
    except Exception as e:          # the table shows why a cell failed; a run's own RuntimeError counts its kept records
        error = f"{type(e).__name__}: {e}".splitlines()[0][:160]
        if isinstance(e, RuntimeError) and " of " in str(e): kept = int(str(e).split("only ")[1].split(" of")[0])
    rejected = {k: v for k, v in filt.counts.items() if v}
    return dict(kept=kept, candidates=kept + sum(rejected.values()), rejected=rejected, seconds=time.time() - t0, error=error)


def machine() -> str:
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
    bf16 = [f for f in ("amx_bf16", "avx512_bf16") if f" {f}" in flags] or ["no bf16 units"]
    return (f"{model}, {os.cpu_count()} cores ({', '.join(bf16)}), torch {torch.__version__}, threads {torch.get_num_threads()}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2); p.add_argument("--max-batches", type=int, default=3)
    p.add_argument("--methods", nargs="+", default=["fewgen", "cfg", "corrsynth", "synalign", "targen"])
    p.add_argument("--tasks", nargs="+", default=list_tasks()); p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="bench/results/matrix.md")
    o = p.parse_args()
    lm, load0 = load_lm(), os.getloadavg()[0]
    lines = ["| task | method | kept / candidates | kept share | rejected | s | error |", "|---|---|---|---|---|---|---|"]
    for t in o.tasks:
        for m in o.methods:
            r = cell(lm, m, t, o.n, o.max_batches, o.seed)
            share = f"{r['kept'] / r['candidates']:.0%}" if r["candidates"] else "–"
            rej = ", ".join(f"{k} {v}" for k, v in sorted(r["rejected"].items())) or "none"
            lines.append(f"| {t} | {m} | {r['kept']} / {r['candidates']} | {share} | {rej} | {r['seconds']:.0f} | {r['error'] or ''} |")
            print(lines[-1], flush=True)
    head = (f"n = {o.n} records per cell, at most {o.max_batches} batches, seed {o.seed}, {lm.name} ({str(lm.dtype).removeprefix('torch.')}); "
            f"machine: {machine()}; load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
            f"(a shared machine: seconds are indicative only).")
    text = head + "\n\n" + "\n".join(lines) + "\n"
    Path(o.out).parent.mkdir(parents=True, exist_ok=True); Path(o.out).write_text(text)
    print("\n" + text)


if __name__ == "__main__": main()
