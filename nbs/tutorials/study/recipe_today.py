"""The recipe's N = 1,000 rows again, with today's filters (issue 32), without generating anything:
`python study/recipe_today.py [TASK …]` from nbs/tutorials writes study/recipe-today.csv.

Per task and generation seed s, exactly as `overgen_recipes.py` makes its row "r≈2, filters, confidence 1,000": the
stored FewGen set (`fewgen-a0.1/seed{s}`) and the over-generation of seed s + 100 (`overgen-r2/seed{s+100}`) through one
`RecordFilter` → `curate` to 1,000 (label confidence of a classifier of the card's shots, split evenly) → the linear
student (seed 0) with the card's shots at share 0.5, scored on the task's scored split; and the shots alone. The only
difference from that script's stored rows (study/overgen-n1000.csv) is the filters: today's, with every rule added since
those rows were written. Each row also carries the stored row's accuracy and candidate count, so the two read side by
side; the session that ran it is the `session` column."""
import sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.curate import curate
from synthlab.data import load_split
from synthlab.task import get_task
from curated_recipes import accuracy
from overgen_recipes import filtered, SCORED, W, STUDY

ROW = "r≈2, filters, confidence 1,000"


def rows_of(name: str, session: int) -> list:
    "One row per generation seed of task `name`: today's filters, then the recipe, beside the stored row."
    task, test = get_task(name), load_split(name, SCORED[name]).to_list()
    stored = pd.read_csv(STUDY/"overgen-n1000.csv").query("task == @name")
    alone = accuracy(task.shots, test, task, 0)
    rows = []
    for s in (0, 1, 2):
        files = [STUDY/name/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl",
                 *sorted((STUDY/name/"overgen-r2"/f"seed{s + 100}").glob("generation*.jsonl"))]
        kept, _ = filtered(files, task)
        acc = accuracy(curate(kept, task, 1000)[0], test, task, W)
        was = stored[(stored.seed == s) & (stored.row == ROW)].iloc[0]
        rows.append(dict(task=name, seed=s, session=session, filtered=len(kept), accuracy_pool=acc, shots_alone=alone,
                         gain=round(acc - alone, 4), stored_filtered=int(was.filtered),
                         stored_accuracy_pool=was.accuracy_pool, stored_gain=round(was.accuracy_pool - alone, 4)))
        print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    tasks = sys.argv[1:] or list(SCORED)
    new = pd.DataFrame([r for t in tasks for r in rows_of(t, session=53)])
    out = STUDY/"recipe-today.csv"
    if out.is_file(): old = pd.read_csv(out); new = pd.concat([old[~old.task.isin(tasks)], new])
    new.to_csv(out, index=False)
