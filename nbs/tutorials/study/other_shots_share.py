"""The shots' share of the student's weight with other users' examples (session 47): `python study/other_shots_share.py
[GEN_DIR]` from nbs/tutorials writes study/other-shots-share.csv, from the curated sets other_shots.py left in GEN_DIR.

The shots' share (`POOL_WEIGHT`, 0.5) was chosen on the built-in cards (notebook 09). For every draw and N of
other-shots.csv, the linear student (seed 0) trains on the curated set with that card's shots at shares 0.25, 0.5 and
0.75, and alone, each scored on that card's selection set (`sel`: train rows never scored, its shots left out) and on
the task's scored split (`ev`); each value is that student's accuracy minus the shots alone's on the same rows."""
import sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.student import compare
from synthlab.studentdata import selection_set
from demo_scale import scored_split

STUDY = Path(__file__).resolve().parent
SHARES = (0.25, 0.5, 0.75)

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-other-shots")
    rows = []
    for (task, n), draws in pd.read_csv(STUDY/"other-shots.csv").groupby(["task", "n"]):
        for d in sorted(draws.draw):
            folder = gen_dir/task/f"n{n}"/f"draw{d}"; card = str(folder/"card.yaml")
            for split, test in (("sel", selection_set(card)), ("ev", scored_split(task))):
                row = dict(task=task, n=n, draw=d, split=split)
                for w in SHARES:
                    df = compare({"curated": folder/"curated.jsonl"}, test, task=card, seeds=(0,), with_pool=True,
                                 pool_weight=w, progress=False)
                    alone = float(df.loc[[i for i in df.index if i.startswith("few-shot pool")][0], "accuracy"])
                    row[f"share{w}"] = round(float(df.loc["curated + pool", "accuracy"]) - alone, 4)
                row["curated_alone"] = round(float(df.loc["curated", "accuracy"]) - alone, 4)
                rows.append(row); print(row, flush=True)
    pd.DataFrame(rows).to_csv(STUDY/"other-shots-share.csv", index=False)
