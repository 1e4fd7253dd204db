"""float32 against bf16 at the recipe's scale (session 40): `SYNTHLAB_DTYPE=float32 python study/dtype_n1000.py [GEN_DIR]`
from nbs/tutorials writes study/dtype-n1000.csv.

The study's float32 SST-2 sets gain +0.026 to +0.031 over the shots in the recipe rows, and fresh bf16 runs at the same
α = 0.1 and 36 new tokens gain +0.018 to +0.023 (budget_n1000.py), with the current card or the study's old one
(card_example_n1000.py). Today's code in float32 with the old card decodes the study set's own first batch again
(card_example_n1000.py --batch0: the same raw decodes, where today's filters trim or reject more of them), so the
generation code has not changed in between. dtype_logprob.py found the two dtypes' next-token distributions close
(KL 0.0024–0.0027 nats a token), which says little about what 2,000 draws give a student. So the dtype is tested
here at N = 1,000, like for like: FewGen's 2,000 SST-2 records at T = 1, α = 0.1, 36 new tokens, the current card,
seeds 0–2, in float32 (GEN_DIR/sst2/f32-a0.1-t36/seed{s}/; the script refuses to run unless SYNTHLAB_DTYPE=float32),
curated to 1,000 by the recipe and scored as in temperature_n1000.py; the bf16 rows are budget_n1000.py's 36-token
rows, copied. On this CPU (bf16 units) synthlab picks bf16 by itself; on one without them it picks float32.

The reading, fixed before any run: the dtype explains the rest of the gap if float32 gains ≥ +0.026 over the shots on
the validation split (curated + shots at share 0.5) at every seed; the selection set decides whether it is better."""
import os, sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.studentdata import selection_set
from demo_scale import scored_split
import temperature_n1000 as temperature

STUDY = Path(__file__).resolve().parent

def made(gen_dir: Path, seed: int, tests: dict) -> dict:
    "The float32 row: FewGen's 2,000 SST-2 records at α = 0.1, 36 new tokens, curated to 1,000, scored."
    return {"seed": seed, "source": "this run",
            **temperature.fewgen_row(gen_dir/"f32-a0.1-t36"/f"seed{seed}", "sst2", seed,
                                     ["--alpha", "0.1", "--max-new-tokens", "36"], tests)}

def copied() -> pd.DataFrame:
    "The bf16 arm: budget_n1000.py's 36-token rows."
    d = pd.read_csv(STUDY/"budget-n1000.csv")
    return d[d.max_new_tokens == 36].drop(columns="max_new_tokens").assign(source="budget-n1000.csv")

if __name__ == "__main__":
    if os.environ.get("SYNTHLAB_DTYPE") != "float32": sys.exit("dtype_n1000.py: run it with SYNTHLAB_DTYPE=float32")
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-dtype-n1000")/"sst2"
    tests = {"sel": selection_set("sst2"), "ev": scored_split("sst2")}
    temperature.paired_rows(copied(), lambda s: [made(gen_dir, s, tests)], "dtype-n1000", by="dtype")
