"""Where a TarGEN run's time goes: a 64-record run at the defaults (64 rows a decode) with each step timed (contexts,
seed lists, instances, judge; each step's prefills, `LM.start`, and its decode steps, `LM.step`, apart), then step 3
again on that run's first planned seeds, in 64-row decodes (today) and in one decode of every row. Prints markdown tables with the machine. `python bench/targen_steps.py [TASK] [SEED]`."""
import collections, random, sys, time, warnings
from pathlib import Path
import torch
from synthlab.lm import load_lm
from synthlab.lists import round_robin
from synthlab.targen import TarGEN
from synthlab.generate import generate
from synthlab.task import get_task
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine

STEPS = ("contexts", "seeds", "instances", "correct", "_verdicts")


def timed_class(T: collections.Counter) -> type:
    "A TarGEN subclass whose steps add their seconds to `T`."
    class Timed(TarGEN): pass
    for name in STEPS:
        def wrap(self, *a, _f=getattr(TarGEN, name), _n=name, **k):
            RUNNING.append(_n)
            try: t = time.perf_counter(); r = _f(self, *a, **k); T[_n] += time.perf_counter() - t
            finally: RUNNING.pop()
            return r
        setattr(Timed, name, wrap)
    return Timed


RUNNING = []   # the steps running now, innermost last


def time_lm_calls(lm, T: collections.Counter):
    "Add the seconds of `lm.start` (prefill) and `lm.step` (one decode step), and the steps, to `T` under the step running."
    for name in ("start", "step"):
        def wrap(*a, _f=getattr(lm, name), _n=name, **k):
            t = time.perf_counter(); r = _f(*a, **k)
            if RUNNING:
                T[f"{RUNNING[-1]}.{_n}"] += time.perf_counter() - t
                if _n == "step": T[f"{RUNNING[-1]}.steps"] += 1
            return r
        setattr(lm, name, wrap)


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    task = get_task(sys.argv[1] if len(sys.argv) > 1 else "sst2")
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    lm = load_lm()
    print(machine(lm), "\n")
    T = collections.Counter(); m = timed_class(T)(progress=False); time_lm_calls(lm, T)
    t = time.perf_counter(); recs = generate(m, task, lm, n=64, seed=seed, progress=False); total = time.perf_counter() - t
    print(f"{task.name}, seed {seed}: {len(recs)} kept in {total:.1f} s, {recs.summary['batches']} batch(es), "
          f"{m.work['row_passes']} row passes; judged {m.work['judged']}, relabelled {m.work['relabelled']}\n")
    print("| step | seconds | share | prefill s | decode steps | their s |\n|---|---|---|---|---|---|")
    names = {"contexts": "1: contexts", "seeds": "2: seed lists", "instances": "3: instances",
             "_verdicts": "4: judge's verdicts", "correct": "4: judge in all (trust check included)"}
    for k in STEPS:
        calls = (f"{T[k + '.start']:.1f} | {T[k + '.steps']} | {T[k + '.step']:.1f}" if T[k + '.start'] or T[k + '.steps']
                 else " | | ")              # the score judge reads through `LM.score`, not `start`/`step`
        print(f"| {names[k]} | {T[k]:.1f} | {T[k] / total:.0%} | {calls} |")
    g = torch.Generator().manual_seed(0); m = TarGEN(progress=False).fit(task, batch_rows=64)
    ctx = m.contexts(lm, task, g)
    asked, want = m.seed_plan(random.Random(0).sample(ctx, min(m.contexts_per_batch, len(ctx))),
                              {y: 32 for y in task.label_names}, 64)
    pairs = round_robin(asked, m.seeds(lm, task, asked, g))[:max(want, 64 // len(task.label_names))]
    rows = len(pairs) * len(task.label_names)
    print(f"\nStep 3 alone, {len(pairs)} seeds × {len(task.label_names)} labels = {rows} rows, the same seed each time:\n")
    print("| rows per decode | seconds (run 1, run 2) |\n|---|---|")
    times = {64: [], rows: []}
    for _ in range(2):
        for width in times:
            t = time.perf_counter(); m.instances(lm, task, pairs, task.label_names, torch.Generator().manual_seed(1), 0, width)
            times[width].append(time.perf_counter() - t)
    for width, ts in times.items(): print(f"| {min(width, rows)} | {' / '.join(f'{x:.1f}' for x in ts)} |")
