"""FewGen's shot draws per batch at the recipe's scale (session 39): `python study/shot_samples_n1000.py [GEN_DIR] [TASK]`
from nbs/tutorials writes study/shot-samples-n1000.csv (TASK: sst2, the default; else shot-samples-n1000-{TASK}.csv).

FewGen draws its shots once per batch, so a batch's 64 rows share one prompt per label and a 2,000-record run sees
about as many draws as it has batches (45–60 in sessions 35–37). Session 28's margin study hinted that this matters at the demo's scale:
runs with more, smaller batches (so more draws) trained better students. `--shot-samples 8` draws the shots eight
times per batch, each label's rows taking the draws in turn (notebook 03); it was screened at the demo's scale first
(`demo_scale.py shot_samples`, shot-samples-demo-scale.csv) under session 35's rule. For seeds 0, 1, 2, FewGen makes
2,000 records afresh at T = 1, α off, `--shot-samples 8` (the machine's dtype, the task's length budget, in
GEN_DIR/TASK/s8/seed{s}/), `curate_file` keeps 1,000 by the shots' classifier (the recipe, r = 2), and the linear
student (seed 0) is scored as in temperature_n1000.py. The one-draw rows are that script's T = 1 rows (the same
command before `--shot-samples` existed: one draw makes the same records), copied with `source` naming their file.

The rule, fixed before any N = 1,000 run (sessions 35, 37 and 38's): the default changes only if the mean
selection-set gain (curated + shots at share 0.5) over SST-2, AG News and TREC is > 0 and no task is lower by more
than 0.002."""
import sys, warnings
from pathlib import Path
import pandas as pd

from synthlab.studentdata import selection_set
from demo_scale import scored_split, study_csv
import temperature_n1000 as temperature

DRAWS = 8

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    task = sys.argv[2] if len(sys.argv) > 2 else "sst2"
    gen_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthlab-shot-samples-n1000")/task
    out, tests = study_csv("shot-samples-n1000", task), {"sel": selection_set(task), "ev": scored_split(task)}
    rows = temperature.t1_rows(task, shot_samples=1).to_dict("records")   # the one-draw arm
    for s in range(3):
        rows.append({"seed": s, "shot_samples": DRAWS, "source": "this run",
                     **temperature.fewgen_row(gen_dir/f"s{DRAWS}"/f"seed{s}", task, s,
                                              ["--shot-samples", str(DRAWS)], tests)})
        print(rows[-1], flush=True)
        pd.DataFrame(rows).sort_values(["seed", "shot_samples"]).to_csv(out, index=False)
