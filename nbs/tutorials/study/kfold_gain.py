"""What `pool_check` says about other users' curated sets, against what they did (session 48): `python
study/kfold_gain.py [GEN_DIR]` from nbs/tutorials writes study/kfold-gain.csv, from the draws share_rule.py made.

share_cv.py found the user's held-out shots flattering the curated records. `pool_check` judges a set by the same
k-fold over the shots (its gain enters the verdict when every label has ≥ 8 shots), and by κ, the agreement of the
records' labels with a classifier on the shots. For every draw of share-rule.csv this writes `pool_check`'s k-fold gain
(`kfold`, share 0.5), κ and verdict, and the gain the set really gave on the selection set at share 0.5 (`sel`). It
also tries a k-fold that leaves out, in each fold, every record whose prompt showed a held-out shot (`fair`; `kept`:
the share of records left, in the mean over folds; empty where a fold kept none)."""
import json, sys, warnings
from pathlib import Path
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from synthlab.embed import embed_texts
from synthlab.metrics import texts_of
from synthlab.poolcheck import _fit, pool_check
from synthlab.records import read_records
from synthlab.studentdata import pool_sample_weights
from synthlab.task import get_task

STUDY = Path(__file__).resolve().parent

def prompts_of(run_file: Path) -> dict:
    "Prompt hash → prompt text, from a run file's `@prompt` lines."
    return {o["@prompt"]: o["text"] for o in map(json.loads, open(run_file)) if "@prompt" in o}

def fair_kfold(card: str, curated: Path, run_file: Path, folds: int = 5, seed: int = 0) -> tuple[float, float]:
    "(gain, share of records kept): the k-fold at share 0.5 without the records whose prompt showed a held-out shot."
    t = get_task(card); L = t.label_names; prompts = prompts_of(run_file)
    recs, pool = list(read_records(curated)), list(t.shots)
    shown = np.array([[t.format_example(s) in prompts[r["meta"]["prompt_hash"]] for s in pool] for r in recs])
    Xp, Xs = (embed_texts(texts_of(r, t), progress=False) for r in (pool, recs))
    yp, ys = (np.array([L.index(r["label"]) for r in rs]) for rs in (pool, recs))
    hit, alone, kept = [], [], []
    for tr, te in StratifiedKFold(int(min(folds, np.bincount(yp).min())), shuffle=True, random_state=seed).split(Xp, yp):
        ok = ~shown[:, te].any(axis=1); kept.append(ok.mean())
        alone += (_fit(Xp[tr], yp[tr], pool_sample_weights(len(tr), len(ys), 0.5)[:len(tr)], seed).predict(Xp[te])
                  == yp[te]).tolist()
        if not ok.any(): hit += [np.nan] * len(te); continue
        clf = _fit(np.vstack([Xp[tr], Xs[ok]]), np.r_[yp[tr], ys[ok]], pool_sample_weights(len(tr), int(ok.sum()), 0.5), seed)
        hit += (clf.predict(Xp[te]) == yp[te]).tolist()
    return (np.nan if np.isnan(hit).all() else float(np.nanmean(hit) - np.mean(alone))), float(np.mean(kept))

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-share-rule")
    rows = []
    for (task, n, d), g in pd.read_csv(STUDY/"share-rule.csv").groupby(["task", "n", "draw"]):
        f = gen_dir/task/f"n{n}"/f"draw{d}"
        rep = pool_check(f/"curated.jsonl", str(f/"card.yaml"), pool_weight=0.5)
        fair, kept = fair_kfold(str(f/"card.yaml"), f/"curated.jsonl", f/"generation.jsonl")
        row = dict(task=task, n=n, draw=d, kappa=round(rep["kappa"], 4), verdict=rep["verdict"],
                   kfold=round(rep["cv"]["gain"], 4), fair=round(fair, 4), kept=round(kept, 4),
                   sel=g[g.split == "sel"]["share0.5"].iloc[0])
        rows.append(row); print(row, flush=True)
    pd.DataFrame(rows).to_csv(STUDY/"kfold-gain.csv", index=False)
