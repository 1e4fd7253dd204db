"""The recipe's last gap (issue 32): is there a general change that lifts SST-2 seed 0 to +0.03 over the shots alone?
`python study/described_recipes.py` from nbs/tutorials writes study/described-grid.csv (≈ 2 CPU-minutes once the
embeddings are cached; nothing is generated).

Per task (SST-2, AG News, TREC) and generation seed s: the same filtered r ≈ 2 union as `overgen_recipes.py` (stored
FewGen seed s + over-generation seed s + 100, one `RecordFilter`), curated to 1,000 by label confidence with the card's
label descriptions in the confidence classifier (`describe=True`) or without (`False`, the recipe as named), then the
linear student (student seed 0) trained on the 1,000 + the card's shots at share `share` with L2 strength `C`
(`StudentConfig.C`, default 1), scored on the selection set (`sel`: train minus the shots, never evaluated; a setting
is chosen there only) and on the scored split (`ev`: SST-2 validation, AG News and TREC test). Rows with seed −1: the
shots alone at each C. `curate_cpu_s`: CPU seconds of `curate` (embeddings cached)."""
import json, os, warnings
from pathlib import Path
import pandas as pd

from synthlab.curate import curate
from synthlab.data import load_split
from synthlab.student import train_student
from synthlab.studentdata import selection_set
from synthlab.task import get_task
from overgen_recipes import filtered, STUDY, SCORED

CS, SHARES = (0.1, 0.2, 0.3, 0.5, 1.0, 3.0), (0.1, 0.25, 0.4, 0.5)
CPU = lambda: (lambda t: t.user + t.system)(os.times())


def acc(recs, test, task, C, share) -> float:
    "The linear student (seed 0, L2 strength `C`) on `recs` + the card's shots at `share` (None: shots alone)."
    r = train_student(recs, test, task=task, seeds=(0,), progress=False, pool=True if recs is not task.shots else None,
                      pool_weight=share, C=C)
    return round(float(r.scores.accuracy.mean()), 4)


def rows_of(name: str) -> list:
    task = get_task(name)
    tests = {"sel": selection_set(task), "ev": load_split(name, SCORED[name]).to_list()}
    rows = [dict(task=name, seed=-1, describe=None, C=C, share=None, **{k: acc(task.shots, t, task, C, None)
                                                                         for k, t in tests.items()}) for C in CS]
    for s in (0, 1, 2):
        files = [STUDY/name/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl",
                 *sorted((STUDY/name/"overgen-r2"/f"seed{s + 100}").glob("generation*.jsonl"))]
        kept = filtered(files, task)[0]
        for d in (False, True):
            c0 = CPU(); cur = curate(kept, task, 1000, describe=d)[0]; cs = round(CPU() - c0, 2)
            for C in CS:
                for w in SHARES:
                    rows.append(dict(task=name, seed=s, describe=d, C=C, share=w, filtered=len(kept), curate_cpu_s=cs,
                                     **{k: acc(cur, t, task, C, w) for k, t in tests.items()}))
        print(json.dumps(rows[-1]), flush=True)
    return rows


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    pd.DataFrame([r for t in SCORED for r in rows_of(t)]).to_csv(STUDY/"described-grid.csv", index=False)
