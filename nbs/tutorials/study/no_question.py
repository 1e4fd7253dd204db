"""The `no_question` filter rule on the study's TREC recipe (session 50), without generating anything: `python
study/no_question.py` from nbs/tutorials writes study/no-question.csv.

Of the 11,184 TREC records that the study's stored sets keep under the filters before this rule, 819 (7.3 %) hold no
question mark, and 26 of 30 read are no question ("BUD stands for Biological Anthropology.", "The population of Kansas
has doubled since the year 2000."). Every shot of the TREC card asks something, so the rule: when every shot's field
holds a "?", a record whose field holds none is rejected (`no_question`). Real TREC questions without one: 2 of the 500
test questions ("Name a stimulant ."), 108 of the 5,452 train ones.

The ablation, like for like: per generation seed s (0, 1, 2), the recipe's N = 1,000 from an r ≈ 2 over-generation as
`overgen_recipes.py` makes it (the stored FewGen set `fewgen-a0.1/seed{s}` and `overgen-r2/seed{s+100}` through one
`RecordFilter`, curated to 1,000 by the shots' classifier, split evenly over the labels), with the rule on and off.
The linear student (seed 0) with the card's shots at share 0.5, on the selection set (`sel`) and the test split (`ev`).

Written down before the run: the rule stays unless it costs the student on the selection set (mean over the seeds
below −0.005 and behind at 2 or more seeds)."""
import sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.curate import curate
from synthlab.data import load_split
from synthlab.filters import RecordFilter
from synthlab.records import read_records
from synthlab.studentdata import selection_set
from synthlab.task import get_task
from curated_recipes import accuracy            # the linear student (seed 0), shots at a share, one accuracy

STUDY = Path(__file__).resolve().parent
OUT = STUDY/"no-question.csv"

def kept(files, task, rule: bool) -> tuple:
    "(the records of `files` that one `RecordFilter` keeps, with the `no_question` rule or without, its rejections)."
    f = RecordFilter(task)
    if not rule: f._asks = []
    return [r for p in files for r in read_records(p) if f(r)], f.counts["no_question"]

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    task = get_task("trec")
    tests = {"sel": selection_set(task), "ev": load_split(task, "test").to_list()}
    rows = []
    for s in (0, 1, 2):
        files = [STUDY/"trec"/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl",
                 *sorted((STUDY/"trec"/"overgen-r2"/f"seed{s + 100}").glob("generation*.jsonl"))]
        for rule in (False, True):
            recs, rejected = kept(files, task, rule)
            cur = curate(recs, task, 1000)[0]
            row = dict(seed=s, rule=rule, filtered=len(recs), no_question=rejected, curated=len(cur),
                       curated_without_qmark=sum("?" not in r["text"] for r in cur))
            row |= {f"{k}_pool": accuracy(cur, t, task, 0.5) for k, t in tests.items()}
            row |= {k: accuracy(cur, t, task, 0) for k, t in tests.items()}
            rows.append(row); print(row, flush=True)
    pd.DataFrame(rows).to_csv(OUT, index=False)
