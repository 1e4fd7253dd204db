"""The study's 36-token budget at the recipe's scale (session 40): `python study/budget_n1000.py [GEN_DIR]` from
nbs/tutorials writes study/budget-n1000.csv.

The study's SST-2 recipe rows gain +0.026 to +0.031 over the shots. Their first half is the study's float32 FewGen set,
made at α = 0.1 and 36 new tokens (read from its records; notebook 06d's `study_budget`). Fresh FewGen runs at α = 0.1
and the task's budget today (52 new tokens: 2 per word of the 95th-percentile example) gain +0.018 to +0.025
(alpha_n1000.py), and bf16 is not the difference (dtype_logprob.py). The budget is the last difference not tested.
This is a diagnostic, not a lever for every task: session 40's screen (`demo_scale.py budget`) found 1.5 tokens per word
worse at the demo's scale (α off), so no default changes here whatever it shows.

For seeds 0, 1, 2, FewGen makes 2,000 SST-2 records afresh at T = 1, α = 0.1, 36 new tokens (`synthlab generate --n 2000
--seed s --alpha 0.1 --max-new-tokens 36`, the machine's dtype, in GEN_DIR/sst2/a0.1-t36/seed{s}/), `curate_file` keeps
1,000 by the shots' classifier (the recipe, r = 2), and the linear student (seed 0) is scored as in
temperature_n1000.py. The 52-token rows are alpha_n1000.py's α = 0.1 rows (the same code, seeds and kind of CPU), copied
with `source` naming their file.

The reading, fixed before any run: the budget explains the rest of the gap if the 36-token arm gains ≥ +0.026 over the
shots on the validation split (curated + shots at share 0.5) at every seed, the low end of the recipe rows' range."""
import sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.studentdata import selection_set
from demo_scale import scored_split
import temperature_n1000 as temperature

STUDY = Path(__file__).resolve().parent

def made(gen_dir: Path, seed: int, tests: dict) -> dict:
    "The 36-token arm's row: FewGen's 2,000 SST-2 records at α = 0.1, 36 new tokens, curated to 1,000, scored."
    return {"seed": seed, "max_new_tokens": 36, "source": "this run",
            **temperature.fewgen_row(gen_dir/"a0.1-t36"/f"seed{seed}", "sst2", seed,
                                     ["--alpha", "0.1", "--max-new-tokens", "36"], tests)}

def copied() -> pd.DataFrame:
    "The 52-token arm: alpha_n1000.py's α = 0.1 rows of SST-2."
    d = pd.read_csv(STUDY/"alpha-n1000.csv")
    d = d[d.alpha == 0.1].drop(columns="alpha").assign(max_new_tokens=52, source="alpha-n1000.csv")
    return d

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-budget-n1000")/"sst2"
    tests = {"sel": selection_set("sst2"), "ev": scored_split("sst2")}
    temperature.paired_rows(copied(), lambda s: [made(gen_dir, s, tests)], "budget-n1000", by="max_new_tokens")
