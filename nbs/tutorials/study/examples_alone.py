"""How many labelled examples does it take to see the recipe's gain? (session 51): `python study/examples_alone.py`
from nbs/tutorials writes study/examples-alone.csv.

Issue 32 asks for a check that judges a set from the user's examples alone. Whatever the check, it must score two
students, the examples alone and the examples with the set, on labelled records the set never saw, and a user's
examples are a handful. This measures how far a handful can tell the two apart on the study's tasks.

Per task (SST-2, AG News, TREC) and generation seed 0–2: the recipe at N = 1,000 from the stored r ≈ 2 unions
(`fewgen-a0.1/seed{s}` + `overgen-r2/seed{s+100}`, today's filters, `curate` to 1,000 by the shots' classifier), the
linear student (seed 0) on it with the card's shots at share 0.5, and on the shots alone, both scored on the task's
scored split (SST-2 validation, AG News and TREC test). Each test record's difference in correctness is kept, as
`paired_difference` (notebook 09) computes it before it averages. For k test records (k = 12, 30, 100, 300, all),
1,000 random draws of k records (seeded): the verdict that `verdict_sentence` would give on those k (ahead, level or
behind at `NOISE_SE` = 2 standard errors), and the median of 2 standard errors. The full split's difference is the truth a draw is judged against."""
import sys, warnings
from pathlib import Path
import numpy as np
import pandas as pd

from synthlab.curate import curate
from synthlab.student import train_student, NOISE_SE
from synthlab.data import load_split
from synthlab.task import get_task
from overgen_recipes import filtered, SCORED

STUDY = Path(__file__).resolve().parent
KS, DRAWS = (12, 30, 100, 300, None), 1000


def correctness_difference(task, s: int) -> np.ndarray:
    "Per test record: recipe + shots correct minus shots alone correct (linear student, seed 0)."
    name = task.name
    files = [STUDY/name/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl",
             *sorted((STUDY/name/"overgen-r2"/f"seed{s + 100}").glob("generation*.jsonl"))]
    kept, _ = filtered(files, task)
    cur = curate(kept, task, 1000)[0]
    test = load_split(task, SCORED[name]).to_list()
    with_set = train_student(cur, test, task, seeds=(0,), progress=False, pool=True, pool_weight=0.5)
    alone = train_student(task.shots, test, task, seeds=(0,), progress=False)
    y = with_set.test_labels
    return (with_set.predictions[0] == y).astype(float) - (alone.predictions[0] == y)


def rows(name: str) -> list:
    task, out = get_task(name), []
    for s in (0, 1, 2):
        d = correctness_difference(task, s)
        rng = np.random.default_rng(s)
        for k in KS:
            k = k or len(d)
            draws = [d] if k == len(d) else [d[rng.choice(len(d), k, replace=False)] for _ in range(DRAWS)]
            m = np.array([x.mean() for x in draws]); se = np.array([x.std(ddof=1) / np.sqrt(k) for x in draws])
            out.append(dict(task=name, seed=s, k=k, draws=len(draws), full_gain=round(float(d.mean()), 4),
                            ahead=float(np.mean(m > NOISE_SE * se)), level=float(np.mean(np.abs(m) <= NOISE_SE * se)),
                            behind=float(np.mean(m < -NOISE_SE * se)), two_se=round(float(np.median(NOISE_SE * se)), 4)))
        print(pd.DataFrame(out[-len(KS):]).to_string(index=False), flush=True)
    return out


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    tasks = sys.argv[1:] or ["sst2", "ag_news", "trec"]
    pd.DataFrame([r for t in tasks for r in rows(t)]).to_csv(STUDY/"examples-alone.csv", index=False)
