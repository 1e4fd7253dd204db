"""The SST-2 card's style example at the recipe's scale (session 40): `python study/card_example_n1000.py [GEN_DIR]
[--batch0]` from nbs/tutorials writes study/card-example-n1000.csv (or, with `--batch0`, card-example-batch0.csv).

The study's float32 SST-2 sets (the first half of every recipe row, +0.026 to +0.031 over the shots) were made with the
card of 2026-11-22, whose description quoted a style example, "it 's a charming and often affecting journey . ": a
sentence of SST-2's validation split, the split the study scores on (fixed the same day: the card now quotes "a
satisfying well-made romantic comedy that 's both charming and well acted ", a training phrase, and
tests/test_leakage.py checks every card's prose). Read from the stored records, the prompts of the old and the current
card differ in that example alone (same shots, same instruction, same first draw at seed 0). budget_n1000.py matched
everything else the study's set had (α = 0.1, 36 new tokens) and gained +0.018 to +0.021, so the example is the last
difference between the two that the prompt shows.

Two cards, each the current one with its description's example replaced (built under GEN_DIR, never stored in the
project):
- `old`: the validation sentence above, as the study's set had it. A diagnostic of the past only: every prompt quotes a
  sentence that the validation split scores, so its validation rows are not a clean measurement.
- `train`: a training sentence of the same form, picked by a rule fixed before any run: the first row of SST-2's train
  split (file order) that opens with "it", has 6 to 12 words, ends with " . ", is labelled positive (as the old example
  is) and is not a shot: "it is a likable story , told with competence . ".
For seeds 0, 1, 2 and each card, FewGen makes 2,000 records at T = 1, α = 0.1, 36 new tokens (the machine's dtype,
GEN_DIR/sst2/{card}/seed{s}/), `curate_file` keeps 1,000 by the shots' classifier, and the linear student (seed 0) is
scored as in temperature_n1000.py. The current card's rows are budget_n1000.py's 36-token rows, copied.

`--batch0` (`SYNTHLAB_DTYPE=float32`): the stored set's first batch made again by today's code with the old card (64
records, seed 0, α = 0.1, 36 new tokens, in GEN_DIR/sst2/batch0/), one row per candidate index that either kept, into
study/card-example-batch0.csv: whether each kept it, whether their raw decodes are the same, whether the texts differ.

The reading, fixed before any run: a card explains the rest of the gap if it gains ≥ +0.026 over the shots on the
validation split (curated + shots at share 0.5) at every seed. If `train` does, the example's form steers the records
(a lesson for card writers, not a change to the built-in card: issue 32 measures the current card); if only `old`
does, the study's SST-2 margin leaned on the quoted validation sentence."""
import json, os, sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.data import _local_path
from synthlab.studentdata import selection_set
from synthlab.task import get_task, save_task_card
from demo_scale import scored_split
import temperature_n1000 as temperature

STUDY = Path(__file__).resolve().parent
OLD_EXAMPLE = "it 's a charming and often affecting journey . "

def train_example() -> str:
    "The rule's training sentence: the first SST-2 train row opening with 'it', 6–12 words, ending ' . ', positive, not a shot."
    t = get_task("sst2"); shots = {s["text"] for s in t.shots}
    path, _ = _local_path(t, "train")
    for line in open(path):
        r = json.loads(line); words = r["text"].split()
        if words[0] == "it" and 6 <= len(words) <= 12 and r["text"].endswith(" . ") and r["label"] == "positive" \
                and r["text"] not in shots: return r["text"]

def card_example(t) -> str:
    "The style example task `t`'s description quotes (after 'e.g.')."
    return t.description.split('e.g. "')[1].split('"')[0]

def card_with(example: str, path: Path) -> Path:
    "The current SST-2 card with its description's quoted style example replaced by `example`, written to `path`."
    t = get_task("sst2"); cur = card_example(t)
    assert t.description.count(cur) == 1, "the current card's example is not found once"
    return save_task_card(t.derived(description=t.description.replace(cur, example)), path)

def made(gen_dir: Path, card: str, seed: int, tests: dict) -> dict:
    "One card's row: FewGen's 2,000 SST-2 records at α = 0.1, 36 new tokens with `card`'s example, curated, scored."
    example = OLD_EXAMPLE if card == "old" else train_example()
    path = card_with(example, gen_dir/f"sst2-{card}.yaml")
    return {"seed": seed, "card": card, "example": example, "source": "this run",
            **temperature.fewgen_row(gen_dir/card/f"seed{seed}", str(path), seed,
                                     ["--alpha", "0.1", "--max-new-tokens", "36"], tests)}

def copied() -> pd.DataFrame:
    "The current card's rows: budget_n1000.py's 36-token rows."
    d = pd.read_csv(STUDY/"budget-n1000.csv")
    return d[d.max_new_tokens == 36].drop(columns="max_new_tokens").assign(
        card="current", example=card_example(get_task("sst2")), source="budget-n1000.csv")

def batch0(gen_dir: Path) -> pd.DataFrame:
    "The stored float32 set's batch 0 against today's code's, old card, float32: one row per index either kept."
    from synthlab.cli import main
    from synthlab.records import read_records
    if os.environ.get("SYNTHLAB_DTYPE") != "float32": sys.exit("card_example_n1000.py --batch0: run it with SYNTHLAB_DTYPE=float32")
    gen = gen_dir/"batch0"/"generation.jsonl"
    if not gen.exists():
        gen.parent.mkdir(parents=True, exist_ok=True)
        main(["generate", "--task", str(card_with(OLD_EXAMPLE, gen_dir/"sst2-old.yaml")), "--n", "64", "--seed", "0",
              "--alpha", "0.1", "--max-new-tokens", "36", "--out", str(gen)])
    first = lambda f: {r["meta"]["index"]: r for r in read_records(f) if r["meta"]["batch"] == 0}
    stored, today = first(STUDY/"sst2"/"fewgen-a0.1"/"seed0"/"generation.jsonl"), first(gen)
    rows = [{"index": i, "stored": i in stored, "today": i in today,
             "same_raw": i in stored and i in today and stored[i]["meta"]["raw"] == today[i]["meta"]["raw"],
             "text_differs": i in stored and i in today and stored[i]["text"] != today[i]["text"]}
            for i in sorted(set(stored) | set(today))]
    return pd.DataFrame(rows)

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    gen_dir = Path(args[0] if args else "/tmp/synthlab-card-example-n1000")/"sst2"
    gen_dir.mkdir(parents=True, exist_ok=True)
    if "--batch0" in sys.argv:
        batch0(gen_dir).to_csv(STUDY/"card-example-batch0.csv", index=False); sys.exit()
    tests = {"sel": selection_set("sst2"), "ev": scored_split("sst2")}
    temperature.paired_rows(copied(), lambda s: [made(gen_dir, card, s, tests) for card in ("train", "old")],
                            "card-example-n1000", by="card")
