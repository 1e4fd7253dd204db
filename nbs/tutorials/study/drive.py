"""Generate the study's rows in the background: `python study/drive.py ROW...` from nbs/tutorials, under `nice -n 19`.
Runs the cells of study.ipynb marked `# setup` (parameters, rows, `run_row`), loads the model once, then runs or
resumes each row for every seed, logging its time and load to study/<task>/timing.jsonl. Stop it at any time."""
import json, sys
from pathlib import Path

here = Path(__file__).resolve().parent.parent                     # nbs/tutorials
ns = {}
for c in json.loads((here/"study.ipynb").read_text())["cells"]:
    src = "".join(c["source"])
    if c["cell_type"] == "code" and src.startswith("# setup"): exec(src, ns)
from synthlab.backend import load_backend
lm = load_backend("smollm2-135m", dtype="auto")
for row in sys.argv[1:]:
    for seed in ns["SEEDS"]:
        s = ns["run_row"](row, seed, lm=lm, log=ns["STUDY"]/ns["TASK"]/"timing.jsonl")
        print(f"{row}, seed {seed}:\n{ns['stage_table'](s)}\n", flush=True)
