"""Two questions about the curated recipe (issue 32), answered on the study's stored sets without generating anything:
`python study/curated_recipes.py` from nbs/tutorials writes study/curated-pool-share.csv and study/mixture-sst2.csv
(≈ 10 CPU-minutes, most of it embedding the scored splits once; later runs read the embedding cache).

1. **The pool's share for a curated set.** Each task's stored FewGen sets (α = 0.1, generation seeds 0-2) → one
   `RecordFilter` → `curate` by confidence to 500 (fewer where a label has too few filtered records: K × the smallest
   label's count) or a random subset of the same size → the linear student (student seed 0) with the card's shots at
   share w ∈ {0, 0.1, 0.25, 0.5, 0.75}. Scored on the selection set (`selection_set`: train minus the shots, never
   evaluated), where a default may be chosen, and on the scored split (SST-2 validation, AG News and TREC test).
2. **Curating from several methods' sets (SST-2 only: the other tasks store FewGen alone).** Per generation seed s, the
   union of the stored FewGen, CFG, CorrSynth and SynAlign sets of seed s, and the r ≈ 2 FewGen over-generation of seed
   s + 100, in four unions of growing size → filters → confidence 1,000 or a random 1,000 → the linear student at the same
   shares. These unions cost more generation (r ≈ 2-5, several methods): not like for like with a one-method set.
The filters are today's: rerun after a filter change and the numbers move a little."""
import json, random, warnings
from collections import Counter
from pathlib import Path
import pandas as pd

from synthlab.curate import curate
from synthlab.data import load_split
from synthlab.filters import RecordFilter
from synthlab.records import read_records
from synthlab.student import train_student
from synthlab.studentdata import selection_set
from synthlab.task import get_task

STUDY = Path(__file__).resolve().parent
SHARES = (0, 0.1, 0.25, 0.5, 0.75)
SCORED = {"ag_news": "test", "trec": "test", "sst2": "validation"}
UNIONS = {"fewgen+overgen (r≈2)": ["fewgen-a0.1", "overgen-r2"],
          "fewgen+cfg+corrsynth (r≈3)": ["fewgen-a0.1", "cfg", "corrsynth"],
          "fewgen+cfg+corrsynth+synalign (r≈4)": ["fewgen-a0.1", "cfg", "corrsynth", "synalign"],
          "all five (r≈5)": ["fewgen-a0.1", "cfg", "corrsynth", "synalign", "overgen-r2"]}


def accuracy(records, test, task, share) -> float:
    "The linear student (seed 0) on `records` + the card's shots at `share` (0: without them), scored on `test`."
    r = train_student(records, test, task=task, seeds=(0,), progress=False, pool=True if share else None,
                      pool_weight=share or None)
    return round(float(r.scores.accuracy.mean()), 4)


def shares_row(records, tests: dict, task, **row) -> dict:
    "`row` with one accuracy per (scored set, share): columns `sel_w0.1`, `ev_w0.25`, …"
    return {"task": task.name, **row,
            **{f"{k}_w{w}": accuracy(records, t, task, w) for k, t in tests.items() for w in SHARES}}


def filtered(files, task) -> list:
    "The records of `files` that one `RecordFilter` keeps (duplicates across the files count once)."
    f = RecordFilter(task)
    return [r for p in files for r in read_records(p) if f(r)]


def pool_share_table() -> pd.DataFrame:
    rows = []
    for name, split in SCORED.items():
        task = get_task(name)
        tests = {"sel": selection_set(task), "ev": load_split(name, split).to_list()}
        rows.append(dict(task=name, seed=-1, row="pool alone",
                         **{f"{k}_pool": accuracy(task.shots, t, task, 0) for k, t in tests.items()}))
        for s in (0, 1, 2):
            kept = filtered([STUDY/name/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl"], task)
            n = min(500, len(task.label_names) * min(Counter(r["label"] for r in kept).values()))
            for row, recs in (("confidence", curate(kept, task, n)[0]), ("random", random.Random(s).sample(kept, n))):
                rows.append(shares_row(recs, tests, task, seed=s, row=f"{row} {n}", filtered=len(kept)))
                print(json.dumps(rows[-1]), flush=True)
    return pd.DataFrame(rows)


def mixture_table() -> pd.DataFrame:
    task = get_task("sst2")
    tests = {"sel": selection_set(task), "ev": load_split("sst2", "validation").to_list()}
    rows = []
    for s in (0, 1, 2):
        for union, parts in UNIONS.items():
            dirs = [STUDY/"sst2"/p/f"seed{s + 100 if p == 'overgen-r2' else s}" for p in parts]
            files = [f for d in dirs for f in sorted(d.glob("generation*.jsonl"))]     # seed 102 is two shards
            kept = filtered(files, task)
            picks = (("confidence", curate(kept, task, 1000)[0]), ("random", random.Random(s).sample(kept, 1000)))
            for row, recs in picks:
                rows.append(shares_row(recs, tests, task, seed=s, union=union, row=f"{row} 1,000",
                                       generated=sum(1 for f in files for _ in read_records(f)), filtered=len(kept)))
                print(json.dumps(rows[-1]), flush=True)
    return pd.DataFrame(rows)


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    pool_share_table().to_csv(STUDY/"curated-pool-share.csv", index=False)
    mixture_table().to_csv(STUDY/"mixture-sst2.csv", index=False)
