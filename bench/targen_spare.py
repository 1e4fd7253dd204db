"""TarGEN's `spare` (the seeds a batch plans beyond those its needed records take) against FewGen at the same seed:
each seed runs FewGen once, then TarGEN at each spare, 64 records at the CLI's defaults (`--batch-rows` 64 on CPU),
caches warm (one untimed 4-record run of each first). Prints a markdown table with the machine.
`python bench/targen_spare.py [TASK] [SPARES] [SEEDS]`, e.g. `sst2 0.75,0.5,0.3 0,1,2` (the defaults)."""
import os, sys, time, warnings
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine
from synthlab.lm import load_lm, default_batch_rows
from synthlab.cli import make_parser, build_method
from synthlab.task import get_task
from synthlab.generate import generate


def run(lm, task, method, seed, n=64, spare=None) -> dict:
    "One run at the CLI's defaults; TarGEN at `spare` when given."
    o = make_parser().parse_args(["generate", "--task", task, "--method", method, "--n", str(n), "--out", "-",
                                  "--batch-rows", str(default_batch_rows(lm.device))])
    m = build_method(method, o, get_task(task)); m._progress = False
    if spare is not None: m.spare = spare
    t = time.perf_counter(); res = generate(m, task, lm, n=n, seed=seed, progress=False); dt = time.perf_counter() - t
    return dict(n=len(res.records), s=dt, batches=res.summary["batches"], rows=m.work.get("row_passes", 0),
                judged=m.work.get("judged", 0))


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    a = sys.argv[1:]
    task = a[0] if a else "sst2"
    spares = [float(x) for x in (a[1] if len(a) > 1 else "0.75,0.5,0.3").split(",")]
    seeds = [int(x) for x in (a[2] if len(a) > 2 else "0,1,2").split(",")]
    lm = load_lm(); print(machine(lm), "\n")
    run(lm, task, "fewgen", 1000, 4); run(lm, task, "targen", 1000, 4)          # warm caches, untimed
    print("| seed | run | kept | seconds | batches | row passes | judged | × FewGen |\n|---|---|---|---|---|---|---|---|")
    for s in seeds:
        f = run(lm, task, "fewgen", s)
        print(f"| {s} | FewGen | {f['n']} | {f['s']:.1f} | {f['batches']} | {f['rows']} | | |", flush=True)
        for sp in spares:
            r = run(lm, task, "targen", s, spare=sp)
            print(f"| {s} | TarGEN, spare {sp} | {r['n']} | {r['s']:.1f} | {r['batches']} | {r['rows']} | {r['judged']} | "
                  f"{(r['n'] / r['s']) / (f['n'] / f['s']):.2f} |", flush=True)
