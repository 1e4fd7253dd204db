"""The shots' share chosen from the user's own examples (session 48): `python study/share_cv.py [GEN_DIR]` from
nbs/tutorials writes study/share-cv.csv, from the draws share_rule.py made (its CSV and GEN_DIR's curated sets).

share_rule.py's rule (share from N and the number of shots alone) failed its test on AG News: AG News's 20 shots
beside 32 records do best at 0.5, TREC's 30 at 0.75; what differs is how good the curated records are (TREC's curated
set alone is far below its shots, AG News's is not). The user can measure that on their own examples. Written down
before any run of this script:

    k-fold (k = 5, stratified, seed 0, as `pool_check`) over the shots: for each share in (0.25, 0.5, 0.75), train
    the linear classifier on the other folds' shots + the curated set at that share (`pool_check`'s `_cv`) and count
    the held-out shots it gets right; choose the share with the most; ties go to the share nearest 0.5.

It is adopted as the default only if, on the selection sets, its mean gain over share 0.5 is ≥ 0 in every task × N row
of share-rule.csv and > 0 over all rows. `chosen` is the share picked, `cv_*` each share's held-out accuracy on the
shots, `sel`/`ev` the chosen share's gain over the shots alone (read from share-rule.csv), `*_minus_0.5` that minus
share 0.5's. (Not adopted: TREC at N = 32 lost 0.021; 06d.)"""
import sys, warnings
from pathlib import Path
import numpy as np
import pandas as pd

from synthlab.embed import embed_texts
from synthlab.metrics import texts_of
from synthlab.poolcheck import _cv
from synthlab.records import read_records
from synthlab.task import get_task

STUDY = Path(__file__).resolve().parent
SHARES = (0.25, 0.5, 0.75)

def cv_share(card: str, curated: Path, folds: int = 5, seed: int = 0) -> tuple[float, dict]:
    "The share the k-fold over the card's shots picks (ties: nearest 0.5), and each share's held-out accuracy."
    task = get_task(card); L = task.label_names
    recs, pool = list(read_records(curated)), list(task.shots)
    Xp, Xs = (embed_texts(texts_of(r, task), progress=False) for r in (pool, recs))
    yp, ys = (np.array([L.index(r["label"]) for r in rs]) for rs in (pool, recs))
    acc = {w: _cv(Xp, yp, Xs, ys, w, folds, seed)["pool + synthetic"] for w in SHARES}
    best = max(acc.values())
    return min((w for w in SHARES if acc[w] == best), key=lambda w: abs(w - 0.5)), acc

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-share-rule")
    rule = pd.read_csv(STUDY/"share-rule.csv")
    rows = []
    for (task, n, d), g in rule.groupby(["task", "n", "draw"]):
        folder = gen_dir/task/f"n{n}"/f"draw{d}"
        chosen, acc = cv_share(str(folder/"card.yaml"), folder/"curated.jsonl")
        row = dict(task=task, n=n, draw=d, chosen=chosen, **{f"cv_{w}": round(a, 4) for w, a in acc.items()})
        for split in ("sel", "ev"):
            r = g[g.split == split].iloc[0]
            row[split] = r[f"share{chosen}"]; row[f"{split}_minus_0.5"] = round(r[f"share{chosen}"] - r["share0.5"], 4)
        rows.append(row); print(row, flush=True)
    pd.DataFrame(rows).to_csv(STUDY/"share-cv.csv", index=False)
