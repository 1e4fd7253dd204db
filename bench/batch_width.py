"""One method's kept/min at several batch widths (`--batch-rows`), the same seeds, caches warm. The width is set by the
machine (`default_batch_rows`: 64 on CPU), so this measures what another default would give. Prints a markdown table
with the machine. `python bench/batch_width.py [TASK] [METHOD] [WIDTHS] [SEEDS] [N]`, e.g. `sst2 fewgen 64,96,128 0,1,2
64` (the defaults)."""
import os, sys, time, warnings
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine
from synthlab.lm import load_lm
from synthlab.cli import make_parser, build_method
from synthlab.task import get_task
from synthlab.generate import generate


def run(lm, task, method, width, seed, n) -> tuple:
    "(kept, seconds, batches, row passes) of one run at the CLI's defaults with `width` rows per decode."
    o = make_parser().parse_args(["generate", "--task", task, "--method", method, "--n", str(n), "--out", "-",
                                  "--batch-rows", str(width)])
    m = build_method(method, o, get_task(task)); m._progress = False
    t = time.perf_counter(); res = generate(m, task, lm, n=n, seed=seed, progress=False); dt = time.perf_counter() - t
    return len(res.records), dt, res.summary["batches"], res.summary.get("row_passes", 0)


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    a = sys.argv[1:] + [None] * 5
    task, method = a[0] or "sst2", a[1] or "fewgen"
    widths = [int(x) for x in (a[2] or "64,96,128").split(",")]
    seeds = [int(x) for x in (a[3] or "0,1,2").split(",")]; n = int(a[4] or 64)
    lm = load_lm(); print(machine(lm), "\n")
    run(lm, task, method, widths[0], 1000, 4)                                   # warm caches, untimed
    print(f"| {task} {method}, n = {n} | width | kept | seconds | batches | row passes | kept / min |\n"
          "|---|---|---|---|---|---|---|")
    for s in seeds:
        for w in widths:
            k, dt, b, rp = run(lm, task, method, w, s, n)
            print(f"| seed {s} | {w} | {k} | {dt:.1f} | {b} | {rp} | {60 * k / dt:.0f} |", flush=True)
