"""One method's kept/min at several batch widths (`--batch-rows`), the same seeds, caches warm. The width is set by the
machine (`default_batch_rows`: 64 on CPU), so this measures what another default would give. Prints a markdown table
with the machine. `python bench/batch_width.py [TASK] [METHOD] [WIDTHS] [SEEDS] [N]`, e.g. `sst2 fewgen 64,96,128 0,1,2
64` (the defaults)."""
import os, sys, warnings
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine, kept_per_minute
from synthlab.lm import load_lm


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    a = sys.argv[1:] + [None] * 5
    task, method = a[0] or "sst2", a[1] or "fewgen"
    widths = [int(x) for x in (a[2] or "64,96,128").split(",")]
    seeds = [int(x) for x in (a[3] or "0,1,2").split(",")]; n = int(a[4] or 64)
    lm = load_lm(); print(machine(lm), "\n")
    kept_per_minute(lm, task, method, 4, 1000, batch_rows=widths[0])   # warm caches, untimed
    print(f"| {task} {method}, n = {n} | width | kept | seconds | batches | row passes | kept / min |\n"
          "|---|---|---|---|---|---|---|")
    for s in seeds:
        for w in widths:
            r = kept_per_minute(lm, task, method, n, s, batch_rows=w)
            print(f"| seed {s} | {w} | {r['n']} | {r['seconds']:.1f} | {r['batches']} | {r['rows']} | {r['per_min']:.0f} |", flush=True)
