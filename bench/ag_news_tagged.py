"""Usage: PYTHONPATH=$PWD .venv/bin/python bench/ag_news_tagged.py [OUT] (about 10 min a seed on 2 cores; writes OUT/results.json).
AG News, N = 1,000, seeds 0-2: CorrSynth (gamma 1.5, alpha 0.1, float32, 48 new tokens: the study's CorrSynth row settings, replies tagged) vs the study's stored FewGen alpha=0.1 rows; linear students on ag_news:test, alone and with the card's shots."""
import json, sys, time
from pathlib import Path
from synthlab.pipeline import Pipeline, run_pipeline
from synthlab.pipeline import from_mapping
from synthlab.records import read_records
from synthlab.student import train_student
from synthlab.task import get_task
from synthlab.data import load_split
OFF = dict(enabled=False)
task = get_task("ag_news")
test = load_split(task, "test").to_list()
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ag_news_tagged")
res = []
for seed in (0, 1, 2):
    out = OUT/f"seed{seed}"
    p = from_mapping(Pipeline, dict(task="ag_news", out=str(out), n=1000, seed=seed, evaluate=OFF, demos=OFF, judge=OFF,
                                    guard=OFF, filters=OFF, align=OFF,
                                    dtype="float32",      # as the study's rows: float32, 48 new tokens
                                    generation=dict(method="corrsynth", options=dict(gamma=1.5, max_new_tokens=48))), "row")
    t = time.time(); s = run_pipeline(p, progress=False); gen_s = time.time() - t
    g = s["stages"]["generation"]
    cs = read_records(out/"generation.jsonl")
    fg = read_records(Path(f"nbs/tutorials/study/ag_news/fewgen-a0.1/seed{seed}/generation.jsonl"))
    row = dict(seed=seed, gen_s=round(gen_s), batches=g.get("batches"), rejected=g.get("rejected"))
    for name, recs in (("corrsynth", cs), ("fewgen", fg)):
        row[name] = train_student(recs, test, task, "linear", [seed], progress=False).summary()["accuracy"]
        row[name + "+shots"] = train_student(recs, test, task, "linear", [seed], progress=False, pool=True).summary()["accuracy"]
    row["shots"] = train_student(list(task.shots), test, task, "linear", [seed], progress=False).summary()["accuracy"]
    res.append(row); print(json.dumps(row), flush=True)
json.dump(res, open(OUT/"results.json", "w"), indent=1)
