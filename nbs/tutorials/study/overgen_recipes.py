"""N = 1,000 from an r ≈ 2 FewGen over-generation (issue 32), on SST-2, AG News and TREC, without generating anything:
`python study/overgen_recipes.py [TASK …]` from nbs/tutorials writes study/overgen-n1000.csv (the rows of the tasks
given; the other tasks' rows are kept) and study/overgen-filtered.csv (today's filters on the union, by label and reason).

Per task and generation seed s: the stored FewGen set (`fewgen-a0.1/seed{s}`, 1,000 records) and the over-generation
of seed s + 100 (`overgen-r2/seed{s+100}`: 1,000 more FewGen records with today's code, one file or two shards) go
through one `RecordFilter` together (a near repeat across them counts once); the filtered union is curated to 1,000
(`curate`, label confidence of a classifier of the card's shots, split evenly over the labels), or a random 1,000 split
the same way. Each set trains the linear student (student seed 0) alone and with the card's shots at share 0.5, scored
on the task's selection set (`selection_set`: train minus the shots, never evaluated; choices are made there only) and
on its scored split (SST-2 validation, AG News and TREC test). CPU seconds of each step are measured here;
the generation's come from study/overgen-cost.csv. `self-trained` re-scores the union with a classifier of the shots
plus the first pick (the shots at share 0.5, as the student trains) and picks again: a candidate improvement, decided
on the selection set."""
import json, os, random, sys, warnings
from collections import Counter
from pathlib import Path
import numpy as np
import pandas as pd

from synthlab.curate import curate, label_confidence
from synthlab.data import load_split
from synthlab.embed import embed_texts
from synthlab.filters import RecordFilter
from synthlab.generate import split_evenly
from synthlab.metrics import texts_of
from synthlab.records import read_records
from synthlab.studentdata import selection_set, pool_sample_weights
from synthlab.task import get_task
from curated_recipes import accuracy            # the linear student (seed 0), shots at a share, one accuracy

STUDY = Path(__file__).resolve().parent
SCORED = {"sst2": "validation", "ag_news": "test", "trec": "test"}
W = 0.5                                                              # the pool's share (POOL_WEIGHT)
CPU = lambda: (lambda t: t.user + t.system)(os.times())


def filtered(files, task) -> tuple:
    "(the records of `files` one `RecordFilter` keeps, Counter of (label, reason) over the rejected ones)."
    f, kept, why = RecordFilter(task), [], Counter()
    for p in files:
        for r in read_records(p):
            before = Counter(f.counts)
            if f(r): kept.append(r)
            else: why.update((r["label"], k) for k in (f.counts - before) or ["?"])
    return kept, why


def random_even(kept, task, n, seed) -> list:
    "A random `n` of `kept`, split evenly over the labels as `curate` splits them."
    want, rng = split_evenly(n, task.label_names), random.Random(seed)
    return [r for y in task.label_names for r in rng.sample([r for r in kept if r["label"] == y], want[y])]


def top_per_label(kept, conf, task, n) -> list:
    "The `n` records of `kept` with the highest `conf` (their label's probability), split evenly over the labels."
    want = split_evenly(n, task.label_names)
    return [kept[i] for y in task.label_names
            for i in sorted((i for i, r in enumerate(kept) if r["label"] == y), key=lambda i: -conf[i])[:want[y]]]


def label_prob(train, kept, task, E=None) -> np.ndarray:
    """Each record of `kept`'s label probability under a classifier (logistic regression, C = 10, as `curate`'s) of the
    shots plus `train`, the shots holding share `W` of the weight as in the student; `E`: `kept`'s embeddings."""
    from sklearn.linear_model import LogisticRegression
    rows = [*task.shots, *train]
    clf = LogisticRegression(C=10.0, max_iter=2000, random_state=0).fit(
        embed_texts(texts_of(rows, task)), [r["label"] for r in rows],
        sample_weight=pool_sample_weights(len(task.shots), len(train), W))
    P = clf.predict_proba(embed_texts(texts_of(kept, task)) if E is None else E)
    col = {c: i for i, c in enumerate(clf.classes_)}
    return P[np.arange(len(kept)), [col[r["label"]] for r in kept]]


def self_trained(kept, first, task, n) -> list:
    "`n` of `kept` re-scored by a classifier of the shots plus `first` (a first pick), split evenly over the labels."
    return top_per_label(kept, label_prob(first, kept, task), task, n)


def cross_fit_conf(kept, task, folds: int=5) -> np.ndarray:
    """Each record of `kept`'s cross-fitted confidence: its label's probability under a classifier of the shots plus
    the other `folds` − 1 folds of `kept` (never itself)."""
    fold, E = np.random.default_rng(0).permutation(len(kept)) % folds, embed_texts(texts_of(kept, task))
    conf = np.zeros(len(kept))
    for k in range(folds):
        out = np.flatnonzero(fold == k)
        conf[out] = label_prob([kept[i] for i in np.flatnonzero(fold != k)], [kept[i] for i in out], task, E[out])
    return conf


def cross_fit(kept, task, n) -> list:
    "`n` of `kept` by cross-fitted confidence (`cross_fit_conf`), split evenly over the labels."
    return top_per_label(kept, cross_fit_conf(kept, task), task, n)


def both_checks(kept, task, n) -> list:
    """`n` of `kept` by the product of the shots' classifier's confidence (`curate`'s) and the cross-fitted one: a
    record is kept when both label checks agree with its label."""
    return top_per_label(kept, label_confidence(kept, task)[0] * cross_fit_conf(kept, task), task, n)


def rows_of(name: str) -> tuple:
    "(rows of overgen-n1000.csv, rows of overgen-filtered.csv) for task `name`, at every seed with an over-generation."
    task, cost = get_task(name), pd.read_csv(STUDY/"overgen-cost.csv")
    tests = {"sel": selection_set(task), "ev": load_split(name, SCORED[name]).to_list()}
    def scored(recs, **row):
        c0 = CPU(); acc = {f"{k}{'_pool' if w else ''}": accuracy(recs, t, task, w) for k, t in tests.items() for w in (0, W)}
        return dict(task=name, **row, n=len(recs), accuracy=acc["ev"], accuracy_pool=acc["ev_pool"], sel=acc["sel"],
                    sel_pool=acc["sel_pool"], student_cpu_s=round((CPU() - c0) / 4, 2))   # per student (4 trained)
    c0 = CPU()
    rows = [dict(task=name, seed=-1, row="pool only", n=len(task.shots), accuracy=accuracy(task.shots, tests["ev"], task, 0),
                 sel=accuracy(task.shots, tests["sel"], task, 0), student_cpu_s=round((CPU() - c0) / 2, 2))]
    why_rows = []
    for s in (0, 1, 2):
        new = sorted((STUDY/name/"overgen-r2"/f"seed{s + 100}").glob("generation*.jsonl"))
        if not new: continue
        stored = STUDY/name/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl"
        c0 = CPU(); kept, why = filtered([stored, *new], task); filter_s = round(CPU() - c0, 2)
        generated = sum(1 for f in [stored, *new] for _ in read_records(f))
        n_new = sum(1 for f in new for _ in read_records(f))
        if n_new < 1000: print(f"{name} seed {s + 100}: {n_new} of 1,000 generated so far; left out", flush=True); continue
        new_kept = len(filtered(new, task)[0])
        by = Counter(r["label"] for r in kept)
        gen_s = round(cost[(cost.task == name) & (cost.seed == s + 100)].cpu_s.sum(), 1)
        common = dict(seed=s, generated=generated, generated_new=n_new, filtered=len(kept), filtered_new_alone=new_kept,
                      per_label="/".join(str(by[y]) for y in task.label_names), gen_new_cpu_s=gen_s, filter_cpu_s=filter_s)
        why_rows += [dict(task=name, seed=s, label=y, reason=k, rejected=v) for (y, k), v in sorted(why.items())]
        for y in task.label_names: why_rows.append(dict(task=name, seed=s, label=y, reason="(kept)", rejected=by[y]))
        rows.append(scored(list(read_records(stored)), row="stored 1,000 (un-curated)", seed=s, generated=1000))
        alone = filtered([stored], task)[0]                          # the earlier recipe: the stored set alone
        n = min(500, len(task.label_names) * min(Counter(r["label"] for r in alone).values()))
        rows.append(scored(curate(alone, task, n)[0], row=f"stored, filters, confidence {n}", seed=s, generated=1000,
                           filtered=len(alone)))
        rows.append(scored(random_even(kept, task, 1000, s), row="r≈2, filters, random 1,000", **common))
        c0 = CPU(); conf = curate(kept, task, 1000)[0]; cur_s = round(CPU() - c0, 2)
        rows.append(scored(conf, row="r≈2, filters, confidence 1,000", curate_cpu_s=cur_s, **common))
        c0 = CPU(); st = self_trained(kept, conf, task, 1000); st_s = round(CPU() - c0 + cur_s, 2)
        rows.append(scored(st, row="r≈2, filters, self-trained confidence 1,000", curate_cpu_s=st_s, **common))
        c0 = CPU(); cf = cross_fit(kept, task, 1000); cf_s = round(CPU() - c0, 2)
        rows.append(scored(cf, row="r≈2, filters, cross-fit confidence 1,000", curate_cpu_s=cf_s, **common))
        c0 = CPU(); bc = both_checks(kept, task, 1000); bc_s = round(CPU() - c0, 2)
        rows.append(scored(bc, row="r≈2, filters, shots × cross-fit confidence 1,000", curate_cpu_s=bc_s, **common))
        if s == 0:                                  # the cost of embedding the union once, without the cache
            from synthlab.embed import load_embedder
            c0 = CPU(); load_embedder(cache=False).encode(texts_of(kept, task)); rows[-4]["embed_cold_cpu_s"] = round(CPU() - c0, 2)
        print(json.dumps(rows[-5:], ensure_ascii=False), flush=True)
    return rows, why_rows


def merge(path, new: pd.DataFrame, tasks):
    "Write `new` to `path`, keeping the rows there of tasks not in `tasks` (columns no row fills are dropped)."
    if path.is_file(): old = pd.read_csv(path); new = pd.concat([old[~old.task.isin(tasks)], new])
    new.dropna(axis=1, how="all").to_csv(path, index=False)


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    tasks = sys.argv[1:] or list(SCORED)
    out = [rows_of(t) for t in tasks]
    merge(STUDY/"overgen-n1000.csv", pd.DataFrame([r for o in out for r in o[0]]), tasks)
    merge(STUDY/"overgen-filtered.csv", pd.DataFrame([r for o in out for r in o[1]]), tasks)
