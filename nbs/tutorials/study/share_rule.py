"""A shots' share that follows N, tested on new users (session 48): `python study/share_rule.py TASKS FIRST LAST N
[GEN_DIR]` from nbs/tutorials adds draws FIRST … LAST−1 of each task (comma-separated) at N curated records to
study/share-rule.csv.

Session 47's table (other-shots-share.csv, draws 0–9) found the best share of the shots falling as N grows: 0.75 for
TREC's 30 shots beside 32 records, 0.25 beside 250. The rule below was written down from that table *before* any run of
this script, and is tested here on draws it was not read from (10 onwards: other users again, `other_card`):

    share = clip(3 S / (3 S + N), 0.25, 0.75)   (S: the user's examples, N: the synthetic records)

that is, each of the user's examples weighs as much as three synthetic records, and neither side gets less than a
quarter of the weight. The rule is adopted as the default only if, on the selection sets (train rows never scored, the
draw's shots left out), its mean gain over share 0.5 is ≥ 0 in every task × N row and > 0 over all rows; the scored
split (`ev`) is reported beside it, not used to decide. (It was not adopted: AG News at N = 32 lost; 06d.)

Each draw runs the demo's recipe as other_shots.py does (FewGen 2N at seed 0, `curate_file` keeps N, linear student
seed 0), then `pool_shares` scores the shots alone, the curated set alone, and curated + shots at 0.25, 0.5, 0.75 and
the rule's share on both splits. Columns `share*` and `rule` are accuracy minus the shots alone's on the same rows."""
import sys, time, warnings
from pathlib import Path
import pandas as pd

from synthlab.task import get_task
from synthlab.lm import load_lm
from synthlab.student import pool_shares
from synthlab.studentdata import selection_set
from demo_scale import scored_split
from other_shots import curated_draw

STUDY = Path(__file__).resolve().parent
OUT = STUDY/"share-rule.csv"
SHARES = (0.25, 0.5, 0.75)

def rule_share(n_shots: int, n_synthetic: int) -> float:
    "The pre-registered rule: each shot weighs as three synthetic records, each side at least a quarter of the weight."
    return min(0.75, max(0.25, 3 * n_shots / (3 * n_shots + n_synthetic)))

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    tasks, first, last, n = sys.argv[1].split(","), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    gen_dir = Path(sys.argv[5] if len(sys.argv) > 5 else "/tmp/synthlab-share-rule")
    rows = pd.read_csv(OUT).to_dict("records") if OUT.exists() else []
    lm = load_lm()
    for name in tasks:
        for d in range(first, last):
            t = time.perf_counter(); folder, card, _ = curated_draw(name, d, n, gen_dir, lm)
            S = len(get_task(str(card)).shots); rule = rule_share(S, n)
            for split, test in (("sel", selection_set(str(card))), ("ev", scored_split(name))):
                df = pool_shares({0: folder/"curated.jsonl"}, str(card), test, shares=(*SHARES, rule)).iloc[0]
                row = dict(task=name, n=n, draw=d, split=split, shots=S, rule_share=round(rule, 3),
                           pool=round(float(df["pool"]), 4), curated_alone=round(float(df["synthetic"] - df["pool"]), 4),
                           **{f"share{w}": round(float(df[f"pool + synthetic ({w})"] - df["pool"]), 4) for w in SHARES},
                           rule=round(float(df[f"pool + synthetic ({rule})"] - df["pool"]), 4),
                           seconds=round(time.perf_counter() - t, 1))
                rows = [r for r in rows if (r["task"], r["n"], r["draw"], r["split"]) != (name, n, d, split)] + [row]
                print(row, flush=True)
            pd.DataFrame(rows).sort_values(["task", "n", "draw", "split"]).to_csv(OUT, index=False)
