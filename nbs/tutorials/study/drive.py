"""Generate the study's rows in the background: `python study/drive.py [--task T] [--n N] [--seed S]… ROW…` from
nbs/tutorials, under `nice -n 19`. Runs the cells of study.ipynb marked `# setup` (tasks, rows, `run_row`), loads the
model once, then runs or resumes each row of task T (default sst2) for every seed it runs at (`seeds_of`), logging its
time and load to study/<task>/timing.jsonl. `--seed S` (repeatable) keeps to those seeds, so two processes can split a
row's seeds. Before a row runs, `restore` puts back the byte-identical copies that git does not store
(study/removed.json), so it resumes as it was left: a finished row is read back, not generated again. `--n` overrides the set size (a short run to time it; the
same file resumes to the full size later). Stop it at any time."""
import argparse, json
from pathlib import Path

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--task", default="sst2"); ap.add_argument("--n", type=int, default=None)
ap.add_argument("--seed", type=int, action="append", help="only this of each row's seeds (repeatable; two processes can split them)")
ap.add_argument("rows", nargs="+")
args = ap.parse_args()
here = Path(__file__).resolve().parent.parent                     # nbs/tutorials
ns = {}
for c in json.loads((here/"study.ipynb").read_text())["cells"]:
    src = "".join(c["source"])
    if c["cell_type"] == "code" and src.startswith("# setup"): exec(src, ns)
if args.task not in ns["TASKS"]: ap.error(f"unknown task {args.task!r}; the study has {', '.join(ns['TASKS'])}")
bad = [r for r in args.rows if r not in ns["ROW_SPECS"]]
if bad: ap.error(f"unknown rows {bad}; rows are {', '.join(ns['ROW_SPECS'])}")
from synthlab.backend import load_backend
lm = load_backend("smollm2-135m", dtype="auto")
(ns["STUDY"]/args.task).mkdir(parents=True, exist_ok=True)
for row in args.rows:
    for seed in ns["seeds_of"](args.task, row):
        if args.seed and seed not in args.seed: continue
        s = ns["run_row"](row, seed, args.task, lm=lm, log=ns["STUDY"]/args.task/"timing.jsonl", n=args.n)
        print(f"{args.task}, {row}, seed {seed}:\n{ns['stage_table'](s)}\n", flush=True)
