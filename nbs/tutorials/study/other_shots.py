"""The demo's recipe with other users' examples (session 47): `python study/other_shots.py TASKS FIRST LAST [N]
[GEN_DIR]` from nbs/tutorials adds draws FIRST … LAST−1 of each task (comma-separated) to study/other-shots.csv, at N
curated records from 2N (default 32 from 64, the demo's).

Every number the study reports comes from the built-in cards, whose shots were picked by hand. A user's own examples
are not picked: the checks of this project run on cards we never see. So each draw stands in for another user: the
built-in card with its shots replaced by as many per label (SST-2 6, AG News 5, TREC 5), drawn at random (seed
1000 + draw) from the task's train split, leaving out any row that repeats a row of the split that is scored (TREC's
train split repeats a few of its test questions). The card keeps its description and label descriptions. Then the
demo's recipe, as `synthlab demo` runs it: FewGen makes 2N records at seed 0 (the machine's dtype, the task's length
budget; GEN_DIR/TASK/n{N}/draw{d}/), `curate_file` keeps N by that card's shots' classifier, and the linear student (seed
0) trains on the curated set alone and with the shots (share 0.5), scored on the task's scored split (SST-2's
validation split, else the test split) beside the shots alone. `gain` is curated + shots minus the shots alone."""
import random, sys, time, warnings
from collections import Counter
from pathlib import Path
import pandas as pd

from synthlab.task import get_task, save_task_card
from synthlab.data import load_split
from synthlab.lm import load_lm
from synthlab.fewgen import FewGen
from synthlab.generate import generate
from synthlab.curate import curate_file
from synthlab.student import compare
from demo_scale import scored_split

STUDY = Path(__file__).resolve().parent
OUT = STUDY/"other-shots.csv"

def other_card(name: str, draw: int, folder: Path) -> Path:
    "The built-in card `name` with its shots replaced by draw `draw` of as many per label from the train split."
    base = get_task(name); per = Counter(s["label"] for s in base.shots)
    scored = {base.format_example(r) for r in load_split(base, scored_split(name).split(":")[1]).to_list()}
    train = [r for r in load_split(base, "train").to_list() if base.format_example(r) not in scored]
    rng = random.Random(1000 + draw)
    shots = [r for y in base.label_names for r in rng.sample([t for t in train if t["label"] == y], per[y])]
    rng.shuffle(shots)
    folder.mkdir(parents=True, exist_ok=True)
    return save_task_card(base.derived(shots=[{f: r[f] for f in base.fields} | {"label": r["label"]} for r in shots]),
                          folder/"card.yaml")

def curated_draw(name: str, draw: int, n: int, gen_dir: Path, lm) -> tuple[Path, Path, float]:
    "Draw `draw` of `name` at N = `n`: (its folder, its card, generation seconds): FewGen's 2n at seed 0, curated to n."
    folder = gen_dir/name/f"n{n}"/f"draw{draw}"; card = other_card(name, draw, folder)
    gen, t = folder/"generation.jsonl", time.perf_counter()
    if not gen.exists(): generate(FewGen(), str(card), lm, n=2 * n, seed=0, out=str(gen), progress=False)
    secs = time.perf_counter() - t
    curate_file(gen, str(card), n, folder/"curated.jsonl", progress=False, overwrite=True)
    return folder, card, secs

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    tasks, first, last = sys.argv[1].split(","), int(sys.argv[2]), int(sys.argv[3])
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    gen_dir = Path(sys.argv[5] if len(sys.argv) > 5 else "/tmp/synthlab-other-shots")
    rows = pd.read_csv(OUT).to_dict("records") if OUT.exists() else []
    lm = load_lm()
    for name in tasks:
        test = scored_split(name)
        for d in range(first, last):
            folder, card, secs = curated_draw(name, d, n, gen_dir, lm)
            df = compare({"curated": folder/"curated.jsonl"}, test, task=str(card), seeds=(0,), with_pool=True,
                         progress=False)
            pool = float(df.loc[[i for i in df.index if i.startswith("few-shot pool")][0], "accuracy"])
            row = dict(task=name, n=n, draw=d, shots=len(get_task(str(card)).shots), seconds=round(secs, 1),
                       pool=round(pool, 4), curated=round(float(df.loc["curated", "accuracy"]), 4),
                       curated_pool=round(float(df.loc["curated + pool", "accuracy"]), 4))
            row["gain"] = round(row["curated_pool"] - row["pool"], 4)
            rows = [r for r in rows if (r["task"], r["n"], r["draw"]) != (name, n, d)] + [row]; print(row, flush=True)
            pd.DataFrame(rows).sort_values(["task", "n", "draw"]).to_csv(OUT, index=False)
