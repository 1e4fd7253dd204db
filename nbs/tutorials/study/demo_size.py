"""The demo's size, ten seeds (session 33): `python study/demo_size.py [GEN_DIR]` from nbs/tutorials writes
study/size-demo-scale.csv.

`make demo` (`synthlab demo`) curates N records from r × N FewGen SST-2 records (r = the recipe's `FACTOR`, 2) and
prints the linear student with the card's 12 shots beside the shots alone. At its default N = 32, over ten seeds
(`margin-demo-scale.csv`, session 28), that student beat the shots by +0.029 on the selection set but by only +0.002 on
the validation split the demo prints. This runs the demo's recipe at N = 32, 64 and 128 (generation seed 0–9, the
machine's dtype; records in GEN_DIR/n{N}/seed{s}/, default a folder under /tmp, made there when missing) and scores the
student (seed 0) on the curated set alone and with the shots (share 0.5), on the selection set (`sel`: train rows
never evaluated) and the validation split (`ev`), with the run's generation seconds (the machine kept quiet, one run
at a time: a rough cost, not a benchmark)."""
import sys, time, warnings
from pathlib import Path
import pandas as pd

from synthlab.cli import main
from synthlab.curate import curate_file, FACTOR
from synthlab.records import read_records
from synthlab.studentdata import selection_set
from demo_scale import student_scores

STUDY = Path(__file__).resolve().parent
SIZES = (32, 64, 128)

def generated(gen: Path, seed: int, n: int) -> float:
    "Seconds to make `gen` (FACTOR × `n` FewGen SST-2 records at `seed`, as the demo asks); 0 if it exists."
    if gen.exists(): return 0.0
    gen.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    main(["generate", "--task", "sst2", "--n", str(FACTOR["default"] * n), "--out", str(gen), "--seed", str(seed)])
    return time.perf_counter() - t

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-size-demo")
    tests = {"sel": selection_set("sst2"), "ev": "sst2:validation"}
    rows = []
    for s in range(10):
        for n in SIZES:
            d = gen_dir/f"n{n}"/f"seed{s}"; gen = d/"generation.jsonl"
            secs = generated(gen, s, n)
            curate_file(gen, "sst2", n, d/"curated.jsonl", progress=False, overwrite=True)
            recs = read_records(gen)
            row = {"seed": s, "n": n, "generated": len(recs), "dtype": recs[0]["meta"]["dtype"],
                   "seconds": round(secs, 1), "batches": len({r["meta"]["batch"] for r in recs})}
            row.update(student_scores(d/"curated.jsonl", tests))
            rows.append(row); print(row, flush=True)
    pd.DataFrame(rows).to_csv(STUDY/"size-demo-scale.csv", index=False)
