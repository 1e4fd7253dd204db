"""Fluency before confidence (issue 32, session 34): does dropping the least fluent candidates before `curate` help?
`python study/fluency_recipes.py [DEMO_DIR] [--tasks sst2 ag_news trec]` from nbs/tutorials writes
study/fluency-recipes.csv, adding to it a task at a time (nothing is generated).

Reading curated sets finds records that are garbled rather than wrong ("the movies late night slam movie the b.m.a.s
broken it didn't sound good"). A record's *fluency* here is its text's mean log-probability per token under the
embedded model (the machine's dtype), after a prompt that asks for one instance of the task, the card's description as
the system message (`fluency`). A share `q` of each label's candidates with the lowest fluency is dropped, then `curate`
picks as the recipe does; q = 0 is the recipe.
- N = 1,000: per task (SST-2, AG News, TREC) and generation seed s, the recipe's filtered r ≈ 2 union
  (`overgen_recipes.filtered`: stored FewGen seed s + over-generation seed s + 100, today's filters).
- The demo's scale (with DEMO_DIR): `make demo`'s recipe, 32 curated of the 64 SST-2 records in
  DEMO_DIR/seed{s}/generation.jsonl, s = 0–9 (e.g. `demo_scale.py unfinished`'s unfinishedon folder).
A q that leaves a label fewer candidates than `curate` needs is a row without scores (`short`). The linear student
(seed 0) on the curated set + the card's shots at share 0.5, and on the curated set alone, scored on
the selection set (`sel`: train rows never evaluated; a setting is chosen there only) and the scored split (`ev`).
The rule, fixed before the runs: a q > 0 is adopted only if, at N = 1,000, its selection margin over the shots (with
them at 0.5) is higher than the recipe's in the mean over tasks and not lower by more than 0.002 on any task."""
import json, sys, warnings
from pathlib import Path
import numpy as np
import pandas as pd

from synthlab.curate import curate
from synthlab.data import load_split
from synthlab.lm import load_lm
from synthlab.records import read_records
from synthlab.student import train_student
from synthlab.studentdata import selection_set
from synthlab.task import get_task
from overgen_recipes import filtered, STUDY, SCORED

QS = (0.0, 0.1, 0.25)


def fluency(lm, task, recs, batch_size: int=64) -> np.ndarray:
    "Each record's text: mean log P(token | a prompt asking for one instance of `task`) under `lm`."
    prompt = lm.chat([dict(role="system", content=task.description),
                      dict(role="user", content=f"Write one {task.instance}.")])
    texts = [task.format_example(r) for r in recs]
    total = lm.score([prompt] * len(texts), texts, batch_size=batch_size).float().numpy()
    return total / np.array([len(lm._encode(t, first=False)) for t in texts])


def drop_least_fluent(recs, flu, task, q: float) -> list:
    "`recs` without the share `q` of each label's records with the lowest fluency `flu`."
    out = []
    for y in task.label_names:
        idx = sorted((i for i, r in enumerate(recs) if r["label"] == y), key=lambda i: flu[i])
        out += [recs[i] for i in idx[int(q * len(idx)):]]
    return out


def acc(recs, test, task, share) -> float:
    "The linear student (seed 0) on `recs` + the card's shots at `share` (None: `recs` alone; recs = shots: shots alone)."
    pool = None if share is None or recs is task.shots else True
    r = train_student(recs, test, task=task, seeds=(0,), progress=False, pool=pool, pool_weight=share)
    return round(float(r.scores.accuracy.mean()), 4)


def rows_of(lm, name: str, scale: str, unions: dict, n: int) -> list:
    "The rows of one task at one scale: the shots alone, then each seed's union at each q."
    task = get_task(name)
    tests = {"sel": selection_set(task), "ev": load_split(name, SCORED[name]).to_list()}
    rows = [dict(scale=scale, task=name, seed=-1, q=None, **{k: acc(task.shots, t, task, None) for k, t in tests.items()})]
    for s, kept in unions.items():
        flu = fluency(lm, task, kept)
        for q in QS:
            row = dict(scale=scale, task=name, seed=s, q=q, candidates=len(kept), fluency_mean=round(float(flu.mean()), 4))
            try: cur = curate(drop_least_fluent(kept, flu, task, q), task, n)[0]
            except ValueError as e:                     # "only 246 records of label 'World' to choose 250 from"
                rows.append({**row, "short": str(e)}); print(json.dumps(rows[-1]), flush=True); continue
            row.update(**{f"{k}_w0.5": acc(cur, t, task, 0.5) for k, t in tests.items()},
                       **{f"{k}_alone": acc(cur, t, task, None) for k, t in tests.items()})
            rows.append(row); print(json.dumps(row), flush=True)
    return rows


def save(rows: list, out: Path=STUDY/"fluency-recipes.csv"):
    "Add `rows` to `out`, replacing the rows it holds of the same scale and task."
    new = pd.DataFrame(rows)
    if out.exists():
        old = pd.read_csv(out)
        new = pd.concat([old[~old.set_index(["scale", "task"]).index.isin(new.set_index(["scale", "task"]).index)], new])
    tmp = out.with_suffix(".tmp"); new.to_csv(tmp, index=False); tmp.replace(out)


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    args = sys.argv[1:]
    tasks = args[args.index("--tasks") + 1:] if "--tasks" in args else list(SCORED)
    demo = args[0] if args and args[0] != "--tasks" else None
    lm = load_lm()
    if demo:
        save(rows_of(lm, "sst2", "demo", {s: read_records(Path(demo)/f"seed{s}"/"generation.jsonl") for s in range(10)}, 32))
    for name in tasks:
        unions = {s: filtered([STUDY/name/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl",
                               *sorted((STUDY/name/"overgen-r2"/f"seed{s + 100}").glob("generation*.jsonl"))],
                              get_task(name))[0] for s in (0, 1, 2)}
        save(rows_of(lm, name, "n1000", unions, 1000))
