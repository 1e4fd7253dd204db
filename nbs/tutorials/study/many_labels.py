"""The demo's recipe and the pool check on a card with many labels (session 50): `python study/many_labels.py FIRST LAST
N [GEN_DIR]` from nbs/tutorials adds draws FIRST … LAST−1 at N curated records to study/many-labels.csv.

Every card the study ran has 2 to 6 labels. A card written by a user can have many more (intents, topics, kinds of
answer), and `synthlab demo --task card.yaml` on one (TREC's 12 fine kinds of answer below, 3 random training questions
a label) printed "pool check: helpful" over a set whose curated records then cost the student 0.075 on the test
split. This measures it over draws of users: the card below with its shots drawn at random (3 a label, seed 1000 +
draw) from TREC's train split, rows that repeat a test question left out. Its splits are TREC's own, keeping the 12
fine labels (written to GEN_DIR/data/, never into the project). Then the demo's recipe: FewGen makes 2N records at seed
0 (GEN_DIR/n{N}/draw{d}/), `curate_file` keeps N by the shots' classifier; the linear student (seed 0) on the curated
set alone, with the shots (share 0.5), on the uncurated set with the shots, and the shots alone, on the selection set
(train rows never scored, the draw's shots left out: `sel`) and on the test split (`ev`). `pool_check` judges the
uncurated set (what `synthlab generate` warns on) and the curated one (what `synthlab demo` prints).

Written down before the first run: the check is wrong on this card if it calls "helpful" a set with which the student
loses more than 0.01 on the selection set (curated + shots against the shots alone) at 3 or more of the draws."""
import json, random, sys, warnings
from collections import Counter
from pathlib import Path
import pandas as pd

from synthlab.task import Task, save_task_card
from synthlab.data import data_dir
from synthlab.lm import load_lm
from synthlab.fewgen import FewGen
from synthlab.generate import generate
from synthlab.curate import curate_file
from synthlab.poolcheck import pool_check
from synthlab.student import pool_shares
from synthlab.studentdata import selection_set

STUDY = Path(__file__).resolve().parent
OUT = STUDY/"many-labels.csv"
LABELS = {"HUM:ind": "a question asking for an individual person", "LOC:city": "a question asking for a city",
          "LOC:country": "a question asking for a country", "NUM:date": "a question asking for a date",
          "NUM:count": "a question asking for a count of something", "DESC:def": "a question asking for a definition",
          "ENTY:animal": "a question asking for an animal", "NUM:money": "a question asking for a price or sum of money",
          "ENTY:food": "a question asking for a food", "HUM:gr": "a question asking for a group or organisation",
          "ABBR:exp": "a question asking what an abbreviation stands for",
          "NUM:dist": "a question asking for a distance"}
DESCRIPTION = ("Short factual questions typed into a search engine or asked in a quiz, tokenised with a space before the "
               "question mark. Each is labelled with the fine kind of answer it expects.")

def fine_splits(folder: Path) -> dict:
    "TREC's train and test splits with the fine label as `label`, the 12 labels of `LABELS` only (written once)."
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "test"):
        if (folder/f"{split}.jsonl").exists(): continue
        rows = [json.loads(l) for l in (data_dir()/"trec"/f"{split}.jsonl").open()]   # SYNTHLAB_DATA or ../shared/data
        (folder/f"{split}.jsonl").write_text("".join(json.dumps({"text": r["text"], "label": r["fine_label"]}) + "\n"
                                                     for r in rows if r["fine_label"] in LABELS))
    return {s: str(folder/f"{s}.jsonl") for s in ("train", "test")}

def fine_card(draw: int, folder: Path, data: dict, per_label: int = 3) -> Path:
    "The 12-label card with `per_label` shots a label drawn from the train split (seed 1000 + `draw`)."
    read = lambda s: [json.loads(l) for l in Path(data[s]).open()]
    scored = {r["text"] for r in read("test")}
    train = [r for r in read("train") if r["text"] not in scored]
    rng = random.Random(1000 + draw)
    shots = [r for y in LABELS for r in rng.sample([t for t in train if t["label"] == y], per_label)]
    rng.shuffle(shots)
    folder.mkdir(parents=True, exist_ok=True)
    task = Task(name="trec_fine", description=DESCRIPTION, instance="question", fields=["text"], labels=LABELS,
                shots=shots, splits=data)
    return save_task_card(task, folder/"card.yaml")

def verdict(rep: dict) -> tuple: return rep["verdict"], round(rep["kappa"], 4), round(rep["agreement"], 4)

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    first, last, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    gen_dir = Path(sys.argv[4] if len(sys.argv) > 4 else "/tmp/synthlab-many-labels")
    data = fine_splits(gen_dir/"data")
    rows = pd.read_csv(OUT).to_dict("records") if OUT.exists() else []
    lm = load_lm()
    for d in range(first, last):
        folder = gen_dir/f"n{n}"/f"draw{d}"; card = str(fine_card(d, folder, data))
        gen, cur = folder/"generation.jsonl", folder/"curated.jsonl"
        if not gen.exists(): generate(FewGen(), card, lm, n=2 * n, seed=0, out=str(gen), progress=False)
        curate_file(gen, card, n, cur, progress=False, overwrite=True)
        row = dict(n=n, draw=d, labels=len(LABELS), shots=3 * len(LABELS))
        (row["gen_verdict"], row["gen_kappa"], row["gen_agree"]), (row["cur_verdict"], row["cur_kappa"], _) = (
            verdict(pool_check(gen, card)), verdict(pool_check(cur, card)))
        row["labels_generated"] = len(Counter(r["label"] for r in map(json.loads, gen.open()) if "label" in r))
        for split, test in (("sel", selection_set(card)), ("ev", "test")):
            c = pool_shares({0: cur}, card, test, shares=(0.5,)).iloc[0]
            g = pool_shares({0: gen}, card, test, shares=(0.5,)).iloc[0]
            row |= {f"{split}_shots": round(float(c["pool"]), 4),
                    f"{split}_gain": round(float(c["pool + synthetic (0.5)"] - c["pool"]), 4),
                    f"{split}_alone": round(float(c["synthetic"] - c["pool"]), 4),
                    f"{split}_gen_gain": round(float(g["pool + synthetic (0.5)"] - g["pool"]), 4)}
        rows = [r for r in rows if (r["n"], r["draw"]) != (n, d)] + [row]
        print(row, flush=True)
        pd.DataFrame(rows).sort_values(["n", "draw"]).to_csv(OUT, index=False)
