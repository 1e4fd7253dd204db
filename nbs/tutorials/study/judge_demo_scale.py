"""The judge's confidence at the demo's scale (session 25): `python study/judge_demo_scale.py [GEN_DIR]` from
nbs/tutorials writes study/judge-demo-scale.csv.

`judge_confidence.py` found the judge's pick ahead of the recipe's at N = 1,000 with the shots beside it, on the
selection set. This asks the same at the scale a user meets first, `make demo`'s: FewGen makes 64 SST-2 records
(`synthlab generate --n 64 --seed s`, seeds 0–9, the machine's dtype; kept in GEN_DIR/seed{s}/generation.jsonl,
default a folder under /tmp, and made there when missing), `curate_file` keeps 32 by the shots' classifier and by
the judge (trusted on SST-2), and the linear student (seed 0) trains on each, alone and with the card's 12 shots
(share 0.5), scored on the selection set (`sel`: train rows never evaluated) and the validation split (`ev`)."""
import sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.cli import main
from synthlab.curate import curate_file
from synthlab.lm import load_lm
from synthlab.student import compare
from synthlab.studentdata import selection_set

STUDY = Path(__file__).resolve().parent
PICKS = {"shots": "shots", "judge": "judge"}

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-judge-demo")
    lm, tests = load_lm(), {"sel": selection_set("sst2"), "ev": "sst2:validation"}
    rows = []
    for s in range(10):
        d = gen_dir/f"seed{s}"; gen = d/"generation.jsonl"
        if not gen.exists():
            d.mkdir(parents=True, exist_ok=True)
            main(["generate", "--task", "sst2", "--n", "64", "--out", str(gen), "--seed", str(s)])
        for pick in PICKS: curate_file(gen, "sst2", 32, d/f"curated-{pick}.jsonl", lm=lm, confidence=pick,
                                       progress=False, overwrite=True)
        row = dict(seed=s, dtype=str(lm.dtype).replace("torch.", ""))
        for k, t in tests.items():
            df = compare({p: d/f"curated-{p}.jsonl" for p in PICKS}, t, seeds=(0,), with_pool=True, progress=False)
            for p in PICKS:
                row[f"{k}_{p}"] = round(float(df.loc[p, "accuracy"]), 4)
                row[f"{k}_{p}_w0.5"] = round(float(df.loc[f"{p} + pool", "accuracy"]), 4)
            row[f"{k}_shots_alone"] = round(float(df.loc[[i for i in df.index if i.startswith("few-shot pool")][0],
                                                         "accuracy"]), 4)
        rows.append(row); print(row, flush=True)
    pd.DataFrame(rows).to_csv(STUDY/"judge-demo-scale.csv", index=False)
