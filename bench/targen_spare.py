"""TarGEN's `spare` (the seeds a batch plans beyond those its needed records take) against FewGen at the same seed:
each seed runs FewGen once, then TarGEN at each spare, 64 records at the CLI's defaults (`--batch-rows` 64 on CPU),
caches warm (one untimed 4-record run of each first). Prints a markdown table with the machine.
`python bench/targen_spare.py [TASK] [SPARES] [SEEDS]`, e.g. `sst2 0.75,0.5,0.3 0,1,2` (the defaults)."""
import os, sys, warnings
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine, against_fewgen
from synthlab.lm import load_lm


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    a = sys.argv[1:]
    task = a[0] if a else "sst2"
    spares = [float(x) for x in (a[1] if len(a) > 1 else "0.75,0.5,0.3").split(",")]
    seeds = [int(x) for x in (a[2] if len(a) > 2 else "0,1,2").split(",")]
    lm = load_lm(); print(machine(lm), "\n")
    against_fewgen(lm, task, "targen", {f"TarGEN, spare {sp}": dict(spare=sp) for sp in spares}, seeds)
