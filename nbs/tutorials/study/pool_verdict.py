"""The pool check's verdict on other users' generated sets (session 49): `python study/pool_verdict.py TASKS FIRST LAST
N [GEN_DIR]` from nbs/tutorials adds draws FIRST … LAST−1 of each task (comma-separated) to study/pool-verdict.csv.

`synthlab demo --task imdb` (the built-in IMDb card: 8 shots) warned "this set looks harmful" (κ 0.12) over a set that
then added +0.045 to the shots' student on IMDb's test split. κ measures the records' labels against a classifier
trained on the user's shots, and a weak classifier disagrees with right labels too: on those 8 shots it is right on 0.62
of IMDb's test reviews. How often does the verdict call a set that helps harmful, on other users' examples?

Each draw is session 47's (`other_shots.other_card`: the built-in card with its shots replaced by as many per label
drawn from the train split, seed 1000 + draw). FewGen makes 2N records at seed 0 (GEN_DIR/TASK/n{N}/draw{d}/), the set
`synthlab generate` checks and warns on, uncurated. For it: `pool_check`'s κ and verdict, and the same classifier's own
k-fold accuracy p on the shots (each shot held out once, folds as in `pool_check`), κ_p = (p − 1/K) / (1 − 1/K). Then
the linear student (seed 0) on the set with the shots (share 0.5) minus the shots alone, on the selection set (train
rows never scored, the draw's shots left out: `sel`) and on the scored split (`ev`).

The rule and its test, written down before the first run:
- rule: κ̂ = κ / clip(κ_p, 0.25, 1), the records' agreement measured against what the user's own held-out examples get
  from the same kind of classifier, takes κ's place in the verdict (harmful below 0.15, doubtful below 0.25); nothing
  else changes;
- test: adopted if, over all draws, (a) it calls fewer sets harmful whose selection gain is > 0 than κ does, and (b) it
  calls no more sets helpful whose selection gain is below −0.01 than κ does.

Added after the first run, as a diagnostic (not part of the test): the κ and verdict of 2N rows of the selection set
itself (`real_kappa`, `real_verdict`: real examples with their true labels, a seeded sample), what a set whose every
label is right gets from the same pool.

Run at N = 32 (draws 0–19 of the three tasks) and, after both rules' tests, at N = 250 (draws 0–4 of SST-2 and TREC).

Rule 1 failed its test on draws 0–9 (4 TREC sets that lost more than 0.01 called helpful, none by κ). A second rule,
written down after reading draws 0–9 and before draws 10–19 ran, and tested on those new draws only:
- rule 2: "harmful" needs κ̂ < 0.15 as well as κ < 0.15 (else the set is "doubtful"); "doubtful" and "helpful" as today
  (so it never calls a set helpful that κ does not);
- test: adopted if, on draws 10–19 of the three tasks, (harmful calls on sets whose selection gain is below −0.01) minus
  (harmful calls on sets whose selection gain is > 0) is higher than κ's."""
import sys, warnings
from pathlib import Path
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from synthlab.embed import embed_texts
from synthlab.metrics import texts_of
from synthlab.poolcheck import HARMFUL_KAPPA, DOUBTFUL_KAPPA, _fit, pool_check
from synthlab.task import get_task
from synthlab.lm import load_lm
from synthlab.fewgen import FewGen
from synthlab.generate import generate
from synthlab.student import pool_shares
from synthlab.studentdata import selection_set
from demo_scale import scored_split
from other_shots import other_card

STUDY = Path(__file__).resolve().parent
OUT = STUDY/"pool-verdict.csv"

def pool_kfold_accuracy(card: str, folds: int = 5, seed: int = 0) -> float:
    "The agreement classifier's own k-fold accuracy on the card's shots (unweighted, `pool_check`'s folds and seed)."
    t = get_task(card); L = t.label_names
    Xp = embed_texts(texts_of(list(t.shots), t), progress=False)
    yp = np.array([L.index(s["label"]) for s in t.shots])
    hit = []
    for tr, te in StratifiedKFold(int(min(folds, np.bincount(yp).min())), shuffle=True, random_state=seed).split(Xp, yp):
        hit += (_fit(Xp[tr], yp[tr], seed=seed).predict(Xp[te]) == yp[te]).tolist()
    return float(np.mean(hit))

def verdict_of(kappa: float) -> str:
    "`pool_check`'s verdict from κ alone (these draws have fewer than 8 shots of a label: its k-fold gain is not used)."
    return "harmful" if kappa < HARMFUL_KAPPA else "doubtful" if kappa < DOUBTFUL_KAPPA else "helpful"

def verdict_rule2(kappa: float, kappa_hat: float) -> str:
    "Rule 2: harmful only when κ and κ̂ are both below `HARMFUL_KAPPA`; else κ's verdict, harmful turned doubtful."
    v = verdict_of(kappa)
    return "doubtful" if v == "harmful" and kappa_hat >= HARMFUL_KAPPA else v

def corrected_kappa(kappa: float, p: float, k: int) -> float:
    "The pre-registered rule: κ over the shots' own κ_p, clipped to [0.25, 1]."
    kp = (p - 1 / k) / (1 - 1 / k)
    return kappa / min(1.0, max(0.25, kp))

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    tasks, first, last, n = sys.argv[1].split(","), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    gen_dir = Path(sys.argv[5] if len(sys.argv) > 5 else "/tmp/synthlab-pool-verdict")
    rows = pd.read_csv(OUT).to_dict("records") if OUT.exists() else []
    lm = load_lm()
    for name in tasks:
        for d in range(first, last):
            folder = gen_dir/name/f"n{n}"/f"draw{d}"; card = str(other_card(name, d, folder))
            gen = folder/"generation.jsonl"
            if not gen.exists(): generate(FewGen(), card, lm, n=2 * n, seed=0, out=str(gen), progress=False)
            rep, p, K = pool_check(gen, card), pool_kfold_accuracy(card), len(get_task(card).labels)
            assert verdict_of(rep["kappa"]) == rep["verdict"], (rep["verdict"], rep["kappa"])
            kh = corrected_kappa(rep["kappa"], p, K)
            row = dict(task=name, n=n, draw=d, records=rep["n_records"], shots=rep["n_pool"], kappa=round(rep["kappa"], 4),
                       verdict=rep["verdict"], pool_kfold=round(p, 4), kappa_hat=round(kh, 4), verdict_hat=verdict_of(kh),
                       verdict_rule2=verdict_rule2(rep["kappa"], kh))
            sel = selection_set(card)
            real = pool_check([sel[i] for i in np.random.default_rng(d).choice(len(sel), 2 * n, replace=False)], card)
            row |= dict(real_kappa=round(real["kappa"], 4), real_verdict=real["verdict"])
            for split, test in (("sel", sel), ("ev", scored_split(name))):
                df = pool_shares({0: gen}, card, test, shares=(0.5,)).iloc[0]
                row |= {f"{split}_shots": round(float(df["pool"]), 4),
                        f"{split}_gain": round(float(df["pool + synthetic (0.5)"] - df["pool"]), 4),
                        f"{split}_alone": round(float(df["synthetic"] - df["pool"]), 4)}
            rows = [r for r in rows if (r["task"], r["n"], r["draw"]) != (name, n, d)] + [row]
            print(row, flush=True)
            pd.DataFrame(rows).sort_values(["task", "n", "draw"]).to_csv(OUT, index=False)
