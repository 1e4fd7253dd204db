"""FewGen's sampling temperature at the recipe's scale (session 35): `python study/temperature_n1000.py [GEN_DIR] [TASK]`
from nbs/tutorials writes study/temperature-n1000.csv (TASK: sst2, the default; else temperature-n1000-{TASK}.csv).

The demo-scale screen (`demo_scale.py temperature`, temperature-demo-scale.csv) put T = 0.8 ahead of T = 1.0 by more
than a standard error on the selection set; this is the next step of the rule fixed before it (docs/results.md,
session 35). For T in (1.0, 0.8) and seeds 0, 1, 2, FewGen makes 2,000 SST-2 (or TASK) records afresh (`synthlab generate
--n 2000 --seed s --temperature T`, the machine's dtype, the task's length budget: both temperatures alike, in
GEN_DIR/T{T}/seed{s}/, default under /tmp), `curate_file` keeps 1,000 by the shots' classifier (the recipe, r = 2),
and the linear student (seed 0) trains on them alone and with the card's shots at share 0.5, scored on the
selection set (`sel`, train rows never evaluated: where the rule looks) and the scored split (`ev`, reported: SST-2's
validation split, else the task's test split).
The study's own recipe rows are not comparable: their first 1,000 records are float32 at 48 new tokens.

`python study/temperature_n1000.py GEN_DIR TASK --costs` (session 36) reads only the runs' summaries (GEN_DIR/T*/seed*/
generation.jsonl.summary.json) into temperature-n1000[-TASK]-costs.csv: seconds, batches, rejected candidates and the
boilerplate, copies of a shot and near duplicates among them, per seed and temperature. `--openings` reads the curated sets (GEN_DIR/T*/seed*/curated.jsonl)
into temperature-n1000[-TASK]-openings.csv: how many distinct three-word openings each has, and the share of its
records that open with one of its 20 most common."""
import json, sys, time, warnings
from collections import Counter
from pathlib import Path
import pandas as pd

from synthlab.cli import main
from synthlab.curate import curate_file
from synthlab.metrics import distinct_n
from synthlab.records import read_records
from synthlab.studentdata import selection_set
from demo_scale import student_scores, scored_split, study_csv

STUDY = Path(__file__).resolve().parent

def run_costs(gen_dir: Path, arm: str="temperature", prefix: str="T") -> pd.DataFrame:
    ("Seconds, batches and rejected candidates (all; boilerplate, copies of a shot, near duplicates) of each run under `gen_dir`/{prefix}VALUE/seed*, "
     "from its summary; VALUE goes in column `arm`.")
    rows = []
    for f in sorted(gen_dir.glob(f"{prefix}*/seed*/generation.jsonl.summary.json")):
        s = json.loads(f.read_text())
        rows.append({"seed": s["seed"], arm: float(f.parts[-3][len(prefix):]), "seconds": round(s["seconds"]),
                     "batches": s["batches"], "rejected": sum(s["rejected"].values()),
                     **{k: s["rejected"].get(k, 0) for k in ("boilerplate", "copies_shot", "duplicate")}})
    return pd.DataFrame(rows).sort_values(["seed", arm], ascending=[True, False])

def openings(gen_dir: Path, words: int = 3, top: int = 20, arm: str="temperature", prefix: str="T") -> pd.DataFrame:
    ("Per curated set under `gen_dir`/{prefix}VALUE/seed*: its records, their distinct `words`-word openings "
     "(lower-cased), and the share that open with one of the `top` most common; VALUE goes in column `arm`.")
    rows = []
    for f in sorted(gen_dir.glob(f"{prefix}*/seed*/curated.jsonl")):
        recs = read_records(f)
        c = Counter(" ".join(r["text"].split()[:words]).lower() for r in recs)
        rows.append({"seed": int(f.parts[-2][4:]), arm: float(f.parts[-3][len(prefix):]), "records": len(recs),
                     "distinct_openings": len(c), "top_share": round(sum(n for _, n in c.most_common(top)) / len(recs), 4)})
    return pd.DataFrame(rows).sort_values(["seed", arm], ascending=[True, False])

def t1_rows(task: str, **arm) -> pd.DataFrame:
    "This script's T = 1 rows of `task` (the default sampling), without the temperature, with `arm` and their `source`."
    f = study_csv("temperature-n1000", task); df = pd.read_csv(f)
    return df[df.temperature == 1.0].drop(columns="temperature").assign(**arm, source=f.name)

def paired_rows(copied: pd.DataFrame, made, stem: str, by: str, task: str="sst2", seeds=range(3)) -> list:
    ("A study's arms side by side: the `copied` arm's rows, then `made(seed)` (a list of rows) for each of `seeds`, "
     "written to study/`stem`[-`task`].csv after each seed, sorted by seed and `by`.")
    rows = copied.to_dict("records")
    for s in seeds:
        for row in made(s): rows.append(row); print(row, flush=True)
        pd.DataFrame(rows).sort_values(["seed", by]).to_csv(study_csv(stem, task), index=False)
    return rows

def written_scores(kept: list, cur: Path, tests: dict) -> dict:
    "Write the curated records `kept` to `cur` (a run file, atomically); their distinct bigrams and student scores."
    from synthlab.records import atomic_write_text, run_text
    cur.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(cur, run_text(kept, default=str))
    return {"distinct2_curated": round(distinct_n(kept, 2), 4), **student_scores(cur, tests)}

def fewgen_row(d: Path, task: str, seed: int, args: list, tests: dict) -> dict:
    ("FewGen's 2,000 `task` records at `seed` with CLI `args` in `d`/generation.jsonl (made when missing; a run made "
     "before is taken as it is), curated to 1,000 by the recipe (`d`/curated.jsonl) and scored on `tests`.")
    gen, cur = d/"generation.jsonl", d/"curated.jsonl"
    if not gen.exists():
        d.mkdir(parents=True, exist_ok=True)
        main(["generate", "--task", task, "--n", "2000", "--out", str(gen), "--seed", str(seed), *args])
    secs = json.loads(Path(f"{gen}.summary.json").read_text())["seconds"]     # the run's own (made here or before)
    curate_file(gen, task, 1000, cur, progress=False, overwrite=True)
    kept = read_records(cur)
    return {"dtype": kept[0]["meta"]["dtype"], "gen_seconds": round(secs),
            "distinct2_generated": round(distinct_n(read_records(gen), 2), 4),
            "distinct2_curated": round(distinct_n(kept, 2), 4), **student_scores(cur, tests)}

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-temperature-n1000")
    task = sys.argv[2] if len(sys.argv) > 2 else "sst2"
    tests = {"sel": selection_set(task), "ev": scored_split(task)}
    out = study_csv("temperature-n1000", task)
    if "--costs" in sys.argv:
        run_costs(gen_dir).to_csv(out.with_name(out.stem + "-costs.csv"), index=False); sys.exit()
    if "--openings" in sys.argv:
        openings(gen_dir).to_csv(out.with_name(out.stem + "-openings.csv"), index=False); sys.exit()
    rows = []
    for s in range(3):
        for T in (1.0, 0.8):
            d = gen_dir/f"T{T}"/f"seed{s}"; gen, cur = d/"generation.jsonl", d/"curated.jsonl"
            t = time.perf_counter()
            if not gen.exists():
                d.mkdir(parents=True, exist_ok=True)
                main(["generate", "--task", task, "--n", "2000", "--out", str(gen), "--seed", str(s),
                      "--temperature", str(T)])
            secs = time.perf_counter() - t
            curate_file(gen, task, 1000, cur, progress=False, overwrite=True)
            kept = read_records(cur)
            row = {"seed": s, "temperature": T, "dtype": kept[0]["meta"]["dtype"], "gen_seconds": round(secs),
                   "distinct2_generated": round(distinct_n(read_records(gen), 2), 4),
                   "distinct2_curated": round(distinct_n(kept, 2), 4), **student_scores(cur, tests)}
            rows.append(row); print(row, flush=True)
            pd.DataFrame(rows).to_csv(out, index=False)
