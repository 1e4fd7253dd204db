"""Cheaper candidates for the recipe's last gap (issue 32), each against the recipe on the same stored sets:
`python study/last_gap_candidates.py` from nbs/tutorials writes study/last-gap-candidates.csv (≈ 2 CPU-minutes once
the embeddings are cached; nothing is generated).

Per task and generation seed s: the filtered r ≈ 2 union of `overgen_recipes.py`; each candidate picks 1,000 of it
(split evenly over the labels) or changes how the student trains on them; the linear student (seed 0) with the card's
shots at share 0.5 is scored on the selection set (`sel`, where a candidate is judged) and on the scored split (`ev`,
reported only). `recipe` is the N = 1,000 table's recipe row (confidence of a classifier of the shots, C = 10)."""
import os, random, warnings
from pathlib import Path
import numpy as np
import pandas as pd

from synthlab.curate import curate, label_confidence
from synthlab.data import load_split
from synthlab.embed import embed_texts
from synthlab.metrics import texts_of
from synthlab.student import train_student
from synthlab.studentdata import selection_set, pool_sample_weights
from synthlab.task import get_task
from overgen_recipes import filtered, top_per_label, random_even, STUDY, SCORED

CPU = lambda: (lambda t: t.user + t.system)(os.times())
CV_CS = (0.1, 0.3, 1.0, 3.0, 10.0)


def probs(kept, task, C=10.0):
    "(each record's probability of every label under a classifier of the shots with L2 strength `C`, labels' column)."
    from sklearn.linear_model import LogisticRegression
    clf = LogisticRegression(C=C, max_iter=2000, random_state=0).fit(embed_texts(texts_of(task.shots, task)),
                                                                     [r["label"] for r in task.shots])
    P = clf.predict_proba(embed_texts(texts_of(kept, task)))
    return P, np.array([list(clf.classes_).index(r["label"]) for r in kept])


def margin(kept, task) -> np.ndarray:
    "Own label's probability minus the best other label's (the recipe's classifier)."
    P, y = probs(kept, task); own = P[np.arange(len(y)), y]; Q = P.copy(); Q[np.arange(len(y)), y] = -1
    return own - Q.max(1)


def prototype(kept, task) -> np.ndarray:
    "Cosine to the own label's centroid of the shots minus the best other label's."
    S = embed_texts(texts_of(task.shots, task)); L = task.label_names
    M = np.stack([S[[r["label"] == y for r in task.shots]].mean(0) for y in L]); M /= np.linalg.norm(M, axis=1, keepdims=True)
    Z = embed_texts(texts_of(kept, task)) @ M.T; y = np.array([L.index(r["label"]) for r in kept])
    own = Z[np.arange(len(y)), y]; Z[np.arange(len(y)), y] = -9; return own - Z.max(1)


def spread(kept, task, k=30) -> np.ndarray:
    "The own label's share after label spreading (kNN graph, k = 30) from the shots over the shots + the union."
    from sklearn.semi_supervised import LabelSpreading
    L = task.label_names
    X = np.r_[embed_texts(texts_of(task.shots, task)), embed_texts(texts_of(kept, task))]
    y = np.r_[[L.index(r["label"]) for r in task.shots], -np.ones(len(kept), int)]
    P = LabelSpreading(kernel="knn", n_neighbors=k, alpha=0.2, max_iter=100).fit(X, y).label_distributions_[len(task.shots):]
    return P[np.arange(len(kept)), [L.index(r["label"]) for r in kept]]


def opens_with_shot(kept, task, words=6) -> np.ndarray:
    "Whether a record's first `words` words are a shot's first `words` (the whole shot when shorter)."
    shots = [t.lower().split()[:words] for t in texts_of(task.shots, task)]
    return np.array([any(t.lower().split()[:len(s)] == s for s in shots) for t in texts_of(kept, task)])


def loops(kept, task) -> np.ndarray:
    "Whether fewer than 70 % of a record's word trigrams (≥ 6 of them) are distinct: a reply that repeats itself."
    def rep(t):
        w = t.lower().split(); g = [tuple(w[i:i + 3]) for i in range(len(w) - 2)]
        return len(g) >= 6 and len(set(g)) / len(g) < 0.7
    return np.array([rep(t) for t in texts_of(kept, task)])


def cv_C(recs, task, how) -> float:
    """The student's C chosen on its own training data: `syn`: 5-fold accuracy on held-out curated records (the shots
    always in); `loo`: leave-one-shot-out accuracy on the shots. Ties go to the smaller C."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    L = task.label_names
    Xs, ys = embed_texts(texts_of(task.shots, task)), np.array([L.index(r["label"]) for r in task.shots])
    Xr, yr = embed_texts(texts_of(recs, task)), np.array([L.index(r["label"]) for r in recs])
    def fit(C, Xp, yp, Xq, yq):
        w = pool_sample_weights(len(yp), len(yq), 0.5)
        return LogisticRegression(C=C, max_iter=2000, random_state=0).fit(np.r_[Xp, Xq], np.r_[yp, yq], sample_weight=w)
    best = None
    for C in CV_CS:
        if how == "syn":
            a = np.mean([(fit(C, Xs, ys, Xr[tr], yr[tr]).predict(Xr[te]) == yr[te]).mean()
                         for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(Xr, yr)])
        else:
            a = np.mean([fit(C, Xs[np.arange(len(ys)) != j], ys[np.arange(len(ys)) != j], Xr, yr).predict(Xs[j:j + 1])[0]
                         == ys[j] for j in range(len(ys))])
        if best is None or a > best[0] + 1e-12: best = (a, C)
    return best[1]


def candidates(kept, task, s) -> dict:
    "name → (1,000 records, student overrides)."
    n, conf = 1000, label_confidence(kept, task)[0]
    top = lambda score: top_per_label(kept, score, task, n)
    rec = curate(kept, task, n)[0]                     # the recipe's pick, in `curate`'s order (= top(conf) as a set)
    P, y = probs(kept, task); other = P.copy(); other[np.arange(len(y)), y] = -1
    rnd = np.random.default_rng(s).random(len(kept))
    out = {"recipe": (rec, {}),
           "confidence-weighted rows": ([{**r, "weight": float(c)} for r, c in
                                         zip(rec, label_confidence(rec, task)[0])], {}),
           "student C by 5-fold CV on the curated rows": (rec, {"C": cv_C(rec, task, "syn")}),
           "student C by leave-one-shot-out": (rec, {"C": cv_C(rec, task, "loo")}),
           "margin (own − best other)": (top(margin(kept, task)), {}),
           "prototype margin": (top(prototype(kept, task)), {}),
           "label spreading (kNN 30)": (top(spread(kept, task)), {}),
           "drop wrong (other label p ≥ 0.5), random rest": (top(rnd - 10 * (other.max(1) >= 0.5)), {}),
           "confidence + diversity (keep 1.25)": (curate(kept, task, n, keep=1.25)[0], {}),
           "drop shot openings, then confidence": (top(conf - 10 * opens_with_shot(kept, task)), {}),
           "drop loops, then confidence": (top(conf - 10 * loops(kept, task)), {})}
    for C in (1.0, 100.0):
        p, yy = probs(kept, task, C); out[f"confidence classifier C = {C:g}"] = (top(p[np.arange(len(yy)), yy]), {})
    return out


def rows_of(name) -> list:
    task = get_task(name)
    tests = {"sel": selection_set(task), "ev": load_split(name, SCORED[name]).to_list()}
    rows = []
    for s in (0, 1, 2):
        files = [STUDY/name/"fewgen-a0.1"/f"seed{s}"/"generation.jsonl",
                 *sorted((STUDY/name/"overgen-r2"/f"seed{s + 100}").glob("generation*.jsonl"))]
        kept = filtered(files, task)[0]
        for cand, (recs, kw) in candidates(kept, task, s).items():
            c0 = CPU()
            acc = {k: round(float(train_student(recs, t, task=task, seeds=(0,), progress=False, pool=True,
                                                pool_weight=0.5, **kw).scores.accuracy.mean()), 4) for k, t in tests.items()}
            rows.append(dict(task=name, seed=s, candidate=cand, n=len(recs), student_C=kw.get("C", 1.0), **acc,
                             student_cpu_s=round((CPU() - c0) / 2, 2)))
        print(pd.DataFrame(rows[-13:]).to_string(), flush=True)
    return rows


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    pd.DataFrame([r for t in SCORED for r in rows_of(t)]).to_csv(STUDY/"last-gap-candidates.csv", index=False)
