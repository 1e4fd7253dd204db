"""FewGen's plausibility threshold α at the recipe's scale (session 37): `python study/alpha_n1000.py [GEN_DIR] [TASK]`
from nbs/tutorials writes study/alpha-n1000.csv (TASK: sst2, the default; else alpha-n1000-{TASK}.csv).

The study's own recipe rows (overgen-n1000.csv: SST-2 +0.026 to +0.031 over the shots) come from FewGen sets made at
α = 0.1 (the plausibility mask: a token is sampled only if its probability is at least α × the best token's), while the
CLI's FewGen runs with α off, and so did session 35's fresh runs (temperature-n1000*.csv at T = 1: SST-2 +0.013 to
+0.019). This asks whether α = 0.1 is the difference. For seeds 0, 1, 2, FewGen makes 2,000 records afresh at
T = 1, α = 0.1 (`synthlab generate --n 2000 --seed s --alpha 0.1`, the machine's dtype, the task's length budget, in
GEN_DIR/TASK/a0.1/seed{s}/), `curate_file` keeps 1,000 by the shots' classifier (the recipe, r = 2), and the linear
student (seed 0) is scored as in temperature_n1000.py. A run made before (the same command, e.g. several seeds side by
side, or resumed) is curated and scored as it is; `gen_seconds` is its summary's. The α = 0 rows are that script's T = 1 rows, made by the same
code (synthlab has changed since in one message string only) with the same seeds on the same kind of CPU; they are
copied here with `source` naming their file.

The rule, fixed before any run (the one session 35 fixed for the temperature): the recipe's α changes only if the mean
selection-set gain (curated + shots at share 0.5) over SST-2, AG News and TREC is > 0 and no task is lower by more
than 0.002.

`--mix` (fixed, with its rule, after SST-2's and TREC's α = 0.1 rows and AG News's first seed were in, before any
mixture was curated): the half-and-half mixture. From each arm's 2,000 it takes each label's first half (in file order,
the first records the run kept), curates each half to 500 by the shots' classifier (r = 2 within each arm)
and trains the student on the union of 1,000: half clean (α = 0.1), half varied (α = 0), for the same 2,000 generated.
Rows `alpha` = "mix". The same rule decides it against α = 0.

`--costs` and `--openings` read the runs' summaries and curated sets, as temperature_n1000.py's do, into
alpha-n1000[-TASK]-costs.csv and -openings.csv. `--check SEED` curates and scores the α = 0 run of SEED again
from its files in GEN_DIR/TASK/a0.0/ (here a link to temperature_n1000.py's T1.0 folder; generated afresh where
missing), to show that the copied rows come from those runs."""
import sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.studentdata import selection_set
from demo_scale import scored_split, study_csv
import temperature_n1000 as temperature

def made(gen_dir: Path, task: str, seed: int, alpha: float, tests: dict) -> dict:
    "One arm's row: FewGen's 2,000 at `alpha` (T = 1) under `gen_dir`/a{alpha}/seed{seed}, curated to 1,000, scored."
    return {"seed": seed, "alpha": alpha, "source": "this run",
            **temperature.fewgen_row(gen_dir/f"a{alpha}"/f"seed{seed}", task, seed, ["--alpha", str(alpha)], tests)}

def mixed(gen_dir: Path, task: str, seed: int, tests: dict) -> dict:
    "The half-and-half row: each arm's first half per label, each curated to half of 1,000, the union scored."
    from synthlab.curate import curate
    from synthlab.records import read_task_records
    from synthlab.task import get_task
    t, kept = get_task(task), []
    for alpha in (0.0, 0.1):
        recs = read_task_records(gen_dir/f"a{alpha}"/f"seed{seed}"/"generation.jsonl", t)
        by_label = {y: [r for r in recs if r["label"] == y] for y in t.label_names}
        kept += curate([r for of_y in by_label.values() for r in of_y[:len(of_y) // 2]], t, 500, progress=False)[0]
    return {"seed": seed, "alpha": "mix", "source": "this run", "dtype": kept[0]["meta"]["dtype"], "gen_seconds": None,
            "distinct2_generated": None, **temperature.written_scores(kept, gen_dir/"mix"/f"seed{seed}"/"curated.jsonl", tests)}

def copied(task: str) -> pd.DataFrame:
    "The α = 0 arm: temperature_n1000.py's T = 1 rows of `task`."
    return temperature.t1_rows(task, alpha=0.0)

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    task = args[1] if len(args) > 1 else "sst2"
    gen_dir = Path(args[0] if args else "/tmp/synthlab-alpha-n1000")/task
    out = study_csv("alpha-n1000", task)
    if "--costs" in sys.argv or "--openings" in sys.argv:   # temperature_n1000.py's readers, on this script's folders
        for flag, read in (("--costs", temperature.run_costs), ("--openings", temperature.openings)):
            if flag in sys.argv:
                read(gen_dir, arm="alpha", prefix="a").to_csv(out.with_name(f"{out.stem}-{flag[2:]}.csv"), index=False)
        sys.exit()
    tests = {"sel": selection_set(task), "ev": scored_split(task)}
    if "--check" in sys.argv:
        s = int(args[2]); row = made(gen_dir, task, s, 0.0, tests)
        old = copied(task).set_index("seed").loc[s]
        print({k: (row[k], old[k]) for k in row if k in old.index and k not in ("source", "gen_seconds")}); sys.exit()
    if "--mix" in sys.argv:
        rows = [mixed(gen_dir, task, s, tests) for s in range(3)]; print(rows)
        pd.DataFrame(rows).to_csv(out.with_name(f"{out.stem}-mix.csv"), index=False); sys.exit()
    rows = copied(task).to_dict("records")
    for s in range(3):
        rows.append(made(gen_dir, task, s, 0.1, tests)); print(rows[-1], flush=True)
        pd.DataFrame(rows).sort_values(["seed", "alpha"]).to_csv(out, index=False)
