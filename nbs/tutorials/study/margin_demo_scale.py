"""`seqs_needed`'s margin at the demo's scale (session 28): `python study/margin_demo_scale.py [GEN_DIR]` from
nbs/tutorials writes study/margin-demo-scale.csv.

Session 27 measured that a margin of 1.0 (a label short of k records decodes up to 2k rows, at most the batch's
width) instead of 0.25 makes small runs 1.3–1.5× faster on a CPU, and kept it off because one `make demo` seed scored
lower with it. This asks the question at ten seeds, like for like: for each margin and seed 0–9, FewGen makes 64 SST-2
records (`synthlab generate --n 64 --seed s`, the machine's dtype; in GEN_DIR/m{margin}/seed{s}/generation.jsonl,
default a folder under /tmp, made there when missing), `curate_file` keeps 32 by the shots' classifier (the demo's
recipe), and the linear student (seed 0) trains on the curated set alone and with the card's 12 shots (share 0.5),
scored on the selection set (`sel`: train rows never evaluated) and the validation split (`ev`). It also records the
run's seconds and batches (the machine was not kept quiet: a rough cost, not a benchmark)."""
import json, sys, time, warnings
from pathlib import Path
import pandas as pd

from synthlab.cli import main
from synthlab.curate import curate_file
from synthlab.generate import seqs_needed
from synthlab.lm import load_lm
from synthlab.student import compare
from synthlab.studentdata import selection_set

STUDY = Path(__file__).resolve().parent
MARGINS = (0.25, 1.0)

def generated(gen: Path, seed: int, margin: float) -> float:
    "Seconds to make `gen` (64 FewGen SST-2 records at `seed`, `seqs_needed`'s margin `margin`); 0 if it exists."
    if gen.exists(): return 0.0
    gen.parent.mkdir(parents=True, exist_ok=True)
    default, t = seqs_needed.__defaults__, time.perf_counter()
    seqs_needed.__defaults__ = (margin,)
    try: main(["generate", "--task", "sst2", "--n", "64", "--out", str(gen), "--seed", str(seed)])
    finally: seqs_needed.__defaults__ = default
    return time.perf_counter() - t

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-margin-demo")
    lm, tests = load_lm(), {"sel": selection_set("sst2"), "ev": "sst2:validation"}
    rows = []
    for s in range(10):
        for m in MARGINS:
            d = gen_dir/f"m{m}"/f"seed{s}"; gen = d/"generation.jsonl"
            secs = generated(gen, s, m)
            summary = json.loads(gen.with_name(gen.name + ".summary.json").read_text()) \
                if gen.with_name(gen.name + ".summary.json").exists() else {}
            curate_file(gen, "sst2", 32, d/"curated.jsonl", progress=False, overwrite=True)
            row = dict(seed=s, margin=m, dtype=str(lm.dtype).replace("torch.", ""), seconds=round(secs, 1),
                       batches=summary.get("batches"))
            for k, t in tests.items():
                df = compare({"curated": d/"curated.jsonl"}, t, seeds=(0,), with_pool=True, progress=False)
                row[f"{k}_curated"] = round(float(df.loc["curated", "accuracy"]), 4)
                row[f"{k}_curated_w0.5"] = round(float(df.loc["curated + pool", "accuracy"]), 4)
                row[f"{k}_shots_alone"] = round(float(df.loc[[i for i in df.index if i.startswith("few-shot pool")][0],
                                                             "accuracy"]), 4)
            rows.append(row); print(row, flush=True)
    pd.DataFrame(rows).to_csv(STUDY/"margin-demo-scale.csv", index=False)
