"""The recipe with CorrSynth in place of FewGen (issue 32), at N = 1,000 from r ≈ 2, on SST-2, AG News and TREC:
`python study/corrsynth_recipe.py [TASK …]` from nbs/tutorials writes study/corrsynth-n1000.csv (the rows of the tasks
given; the other tasks' rows are kept).

Per task and generation seed s (0, 1, 2): `study/TASK/corrsynth-r2/seed{s}/generation.jsonl`, 2,000 CorrSynth records
made with today's code and defaults (`synthlab generate --method corrsynth --gamma 1.5 --delta 0.5 --alpha 0.1 --n 2000
--seed s`: replies primed with the label's tag line, the task's length budget, bfloat16 on the AMD EPYC with
avx512_bf16 that made them, one thread per process; CPU seconds in study/corrsynth-cost.csv). TREC's runs were stopped
short of 2,000 (1,885-1,960 records): CorrSynth decodes every label's row to top off one rare label, and ABBR was
the last (≥ 200 of it, against the 167 a label needs for 1,000) → one `RecordFilter` → `curate` to 1,000 (label confidence of a
classifier of the card's shots, split evenly over the labels), or a random 1,000 split the same way → the linear
student (student seed 0) alone and with the card's shots at share 0.5 (`POOL_WEIGHT`), scored on the task's selection
set (`selection_set`: train minus the shots, never evaluated; choices are made there only) and on its scored split
(SST-2 validation, AG News and TREC test). The FewGen recipe's rows are in study/overgen-n1000.csv: the same filters,
curation, students and splits, from 2,000 FewGen records per seed, half float32 at 48 new tokens (the study's stored
sets) and half bfloat16 at 52 (its over-generation): not like for like in dtype and length budget."""
import json, os, sys, warnings
from collections import Counter
from pathlib import Path
import pandas as pd

from synthlab.curate import curate
from synthlab.data import load_split
from synthlab.records import read_records
from synthlab.studentdata import selection_set
from synthlab.task import get_task
from curated_recipes import accuracy                         # the linear student (seed 0), shots at a share
from overgen_recipes import SCORED, W, filtered, random_even, merge

STUDY = Path(__file__).resolve().parent
CPU = lambda: (lambda t: t.user + t.system)(os.times())


def rows_of(name: str) -> list:
    "The rows of corrsynth-n1000.csv for task `name`: the pool alone, then per seed random and confidence 1,000."
    task, cost = get_task(name), pd.read_csv(STUDY/"corrsynth-cost.csv")
    tests = {"sel": selection_set(task), "ev": load_split(name, SCORED[name]).to_list()}
    def scored(recs, **row):
        acc = {f"{k}{'_pool' if w else ''}": accuracy(recs, t, task, w) for k, t in tests.items() for w in (0, W)}
        return dict(task=name, **row, n=len(recs), accuracy=acc["ev"], accuracy_pool=acc["ev_pool"], sel=acc["sel"],
                    sel_pool=acc["sel_pool"])
    rows = [dict(task=name, seed=-1, row="pool only", n=len(task.shots), accuracy=accuracy(task.shots, tests["ev"], task, 0),
                 sel=accuracy(task.shots, tests["sel"], task, 0))]
    for s in (0, 1, 2):
        path = STUDY/name/"corrsynth-r2"/f"seed{s}"/"generation.jsonl"
        if not path.is_file(): print(f"{name} seed {s}: not generated; left out"); continue
        c0 = CPU(); kept, why = filtered([path], task); filter_s = round(CPU() - c0, 2)
        by = Counter(r["label"] for r in kept)
        cpu = cost[(cost.task == name) & (cost.seed == s)].cpu_s.sum(min_count=1)
        common = dict(seed=s, generated=len(read_records(path)), filtered=len(kept),
                      per_label="/".join(str(by[y]) for y in task.label_names), gen_cpu_s=round(float(cpu), 1),
                      filter_cpu_s=filter_s)
        rows.append(scored(random_even(kept, task, 1000, s), row="corrsynth r≈2, filters, random 1,000", **common))
        c0 = CPU(); conf = curate(kept, task, 1000)[0]; cur_s = round(CPU() - c0, 2)
        rows.append(scored(conf, row="corrsynth r≈2, filters, confidence 1,000", curate_cpu_s=cur_s, **common))
        print(json.dumps(rows[-2:], ensure_ascii=False), flush=True)
    return rows


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    tasks = sys.argv[1:] or list(SCORED)
    merge(STUDY/"corrsynth-n1000.csv", pd.DataFrame([r for t in tasks for r in rows_of(t)]), tasks)
