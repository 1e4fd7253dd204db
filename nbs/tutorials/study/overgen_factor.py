"""How much over-generation pays (issue 32): the recipe's N = 1,000 curated from r ≈ 2, 3 and 4 times as many FewGen
records, on SST-2, AG News and TREC, three generation seeds. `python study/overgen_factor.py [TASK …]` from
nbs/tutorials writes study/overgen-factor.csv (the rows of the tasks given; the other tasks' rows are kept).

Per task and generation seed s, the generated records come in three files, in this order: the stored FewGen set
(`fewgen-a0.1/seed{s}`, 1,000), the r ≈ 2 over-generation (`overgen-r2/seed{s+100}`, 1,000) and 2,000 more from
today's code at seed s + 200 (`overgen-r4/seed{s+200}`: `synthlab generate --method fewgen --alpha 0.1 --n 2000`,
bfloat16 on an AMD EPYC with avx512_bf16, like the r ≈ 2 file; gzipped, as the study's size budget asks; costs
in study/overgen-factor-cost.csv). r ≈ 2 is
the first two files (the recipe as measured before), r ≈ 3 adds the first 1,000 records written at seed s + 200,
r ≈ 4 all of them: 2,000, or fewer where a run was stopped (AG News: World's last records cost ~10 s each; the
`generated` column says how many). Each union goes
through one `RecordFilter` (a near repeat across files counts once) and `curate` picks 1,000 (label confidence of a
classifier of the card's shots, split evenly over the labels), or a random 1,000 is taken the same way. Each set
trains the linear student (student seed 0) alone and with the card's shots at share 0.5 (the recipe), scored on the
task's selection set (`selection_set`: train minus the shots, never evaluated; the factor is chosen there) and on its
scored split (SST-2 validation, AG News and TREC test), at shares 0 (the set alone), 0.1, 0.25 and 0.5: columns
`sel_w{share}` and `ev_w{share}`. Two intrinsic columns say what the selection changes: distinct bigrams
(`distinct_2`) and label fidelity (the share of records a classifier of real training records agrees with).

The rule that chooses, fixed before AG News' 2,000 records were in (`choose`): the (r, share) of the curated sets
whose mean over the tasks of each task's mean over seeds is highest on the selection sets (as `best_pool_weight`
chooses the pool's share); among those within 0.002 of it, the smallest r (the cheapest), then the share closest to
the default 0.5."""
import json, sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.curate import curate
from synthlab.data import load_split
from synthlab.metrics import distinct_n, fit_real_classifier, label_fidelity, real_reference
from synthlab.records import read_records
from synthlab.studentdata import selection_set
from synthlab.task import get_task
from curated_recipes import accuracy
from overgen_recipes import SCORED, CPU, random_even, merge

STUDY = Path(__file__).resolve().parent
SHARES = (0, 0.1, 0.25, 0.5)                                   # the shots' share of the student's training weight


def generated(task: str, s: int) -> list:
    "The generated record files of `task` at generation seed `s`, stored set first, as a list of record lists."
    d = STUDY/task
    files = [[d/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl"],
             sorted((d/"overgen-r2"/f"seed{s + 100}").glob("generation*.jsonl")),
             sorted((d/"overgen-r4"/f"seed{s + 200}").glob("generation*.jsonl.gz"))]   # stored gzipped
    return [[r for f in fs for r in read_records(f)] for fs in files]


def filtered_records(records, task) -> list:
    "The records a single `RecordFilter` keeps (`filtered` reads files; this takes records)."
    from synthlab.filters import RecordFilter
    f = RecordFilter(task)
    return [r for r in records if f(r)]


def rows_of(name: str) -> list:
    task = get_task(name)
    judge = fit_real_classifier(real_reference(task), task)     # label fidelity: a classifier of real train records
    tests = {"sel": selection_set(task), "ev": load_split(name, SCORED[name]).to_list()}
    def scored(recs, **row):
        return dict(task=name, **row, n=len(recs),
                    **{f"{k}_w{w}": accuracy(recs, t, task, w) for k, t in tests.items() for w in SHARES},
                    distinct_2=round(distinct_n(recs, 2, task), 4),
                    label_fidelity=round(label_fidelity(recs, task, clf=judge), 4))
    rows = [dict(task=name, seed=-1, r="shots", row="the card's shots alone", n=len(task.shots),
                 ev_w0=accuracy(task.shots, tests["ev"], task, 0), sel_w0=accuracy(task.shots, tests["sel"], task, 0))]
    for s in (0, 1, 2):
        stored, r2, r4 = generated(name, s)
        if len(r4) < 1000:
            print(f"{name} seed {s + 200}: {len(r4)} records generated so far; left out", flush=True); continue
        for r, recs in (("2", stored + r2), ("3", stored + r2 + r4[:1000]), ("4", stored + r2 + r4)):
            kept = filtered_records(recs, task)
            common = dict(seed=s, r=r, generated=len(recs), filtered=len(kept))
            rows.append(scored(random_even(kept, task, 1000, s), row="filters, random 1,000", **common))
            c0 = CPU(); conf = curate(kept, task, 1000)[0]
            rows.append(scored(conf, row="filters, confidence 1,000", curate_cpu_s=round(CPU() - c0, 2), **common))
            print(json.dumps(rows[-2:], ensure_ascii=False), flush=True)
    return rows


def choose(df: pd.DataFrame) -> tuple:
    "(r, share) of the curated sets by the rule above, from the rows of overgen-factor.csv."
    cur = df[df.row == "filters, confidence 1,000"]
    sel = cur.groupby(["task", "r"])[[f"sel_w{w}" for w in SHARES]].mean().groupby("r").mean()   # mean over tasks
    score = {(int(r), w): sel.loc[r, f"sel_w{w}"] for r in sel.index for w in SHARES}
    best = max(score.values())
    return min((k for k, v in score.items() if v >= best - 0.002), key=lambda k: (k[0], abs(k[1] - 0.5)))


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    tasks = sys.argv[1:] or list(SCORED)
    merge(STUDY/"overgen-factor.csv", pd.DataFrame([r for t in tasks for r in rows_of(t)]), tasks)
