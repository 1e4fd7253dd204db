"""The generator's own fluency as a curate stage (session 38): `python study/fluency_n1000.py [GEN_DIR] [TASK ...]`
from nbs/tutorials writes study/fluency-n1000.csv.

Sessions 35–37 cleaned FewGen's records while sampling (T = 0.8; the plausibility threshold α = 0.1): SST-2 and TREC
gained, AG News lost its variety, and neither was adopted. This asks whether cleaning *after* sampling does better:
`curate(fluency=q)` drops each label's least fluent share q of the candidates (the lowest mean log-prob per token of a
record's text under the generator, after its own prompt: SuperGen's filter) before the recipe's confidence ranking.
It cuts whole records, not tokens, so a fluent record keeps its unusual words. Session 34 (fluency_recipes.py) scored
fluency after a generic prompt ("Write one movie review sentence.") on the study's α = 0.1 unions, and found that it
picked out echoes of the card's shots, not garbled text; here the score is the one the generator sampled from (the
record's own prompt, its shots included), on runs made with α off, where garbled records are common.

The runs are sessions 35–36's FewGen runs at T = 1, α = 0 (2,000 records per seed, seeds 0–2, bf16, the task's length
budget), read from GEN_DIR/TASK/a0.0/seed{s}/generation.jsonl (alpha_n1000.py's links to them). Each is curated to
1,000 twice, by the same code in this script: the recipe (fluency 0) and fluency q = 0.25, fixed before any run
(so 1,500 candidates reach the confidence ranking, r = 1.5). The linear student (seed 0) is scored as in
temperature_n1000.py. The recipe row must equal that script's T = 1 row (checked in 06d).

`--control` (added after the rows above were in, as a control rather than a candidate): each run's 2,000 with a
random quarter of each label dropped (seeded by the run's seed) before the same curate, so 1,500 reach the confidence
ranking as under fluency 0.25. If it gains as much, the gain comes from the looser confidence cut, not from fluency.
It writes fluency-n1000-control.csv.

The rule, fixed before any run (sessions 35 and 37's): the recipe adopts fluency 0.25 only if the mean selection-set
gain (curated + shots at share 0.5) over SST-2, TREC and AG News is > 0 and no task is lower by more than 0.002."""
import sys, time, warnings
from pathlib import Path
import pandas as pd

from synthlab.curate import curate_file
from synthlab.lm import load_lm
from synthlab.metrics import distinct_n
from synthlab.records import read_records
from synthlab.studentdata import selection_set
from demo_scale import student_scores, scored_split, STUDY
import temperature_n1000 as temperature

FLUENCY, SEEDS, OUT = 0.25, (0, 1, 2), STUDY/"fluency-n1000.csv"

def curated_row(gen: Path, task: str, seed: int, fluency: float, lm, tests: dict) -> dict:
    "Run `gen` curated to 1,000 at `fluency` (beside it, in fluency{q}/), its student scored; the curate's seconds."
    cur = gen.parent/f"fluency{fluency}"/"curated.jsonl"; cur.parent.mkdir(exist_ok=True)
    t = time.perf_counter()
    rep = curate_file(gen, task, 1000, cur, fluency=fluency, lm=lm if fluency else None, progress=False, overwrite=True)
    secs, kept = time.perf_counter() - t, read_records(cur)
    return {"task": task, "seed": seed, "fluency": fluency, "curate_seconds": round(secs),
            "disfluent": rep["dropped"].get("disfluent", 0), "distinct2_curated": round(distinct_n(kept, 2), 4),
            **student_scores(cur, tests)}

def control_row(gen: Path, task: str, seed: int, tests: dict, share: float=FLUENCY) -> dict:
    "Run `gen` with a random `share` of each label dropped (seeded by `seed`), curated to 1,000 as the recipe, scored."
    import random
    from synthlab.curate import curate
    from synthlab.records import read_task_records
    from synthlab.task import get_task
    t, rng = get_task(task), random.Random(seed)
    recs = read_task_records(gen, t)
    rest = []
    for y in t.label_names:
        of_y = [r for r in recs if r["label"] == y]
        gone = set(rng.sample(range(len(of_y)), int(share * len(of_y))))
        rest += [r for i, r in enumerate(of_y) if i not in gone]
    kept = curate(rest, t, 1000, progress=False)[0]
    return {"task": task, "seed": seed, "arm": f"random {share}", "candidates": len(rest),
            **temperature.written_scores(kept, gen.parent/f"random{share}"/"curated.jsonl", tests)}

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    gen_dir, tasks = Path(args[0] if args else "/tmp/synthlab-alpha-n1000"), args[1:] or ["sst2", "trec", "ag_news"]
    if "--control" in sys.argv:
        rows = []
        for task in tasks:
            tests = {"sel": selection_set(task), "ev": scored_split(task)}
            for s in SEEDS:
                rows.append(control_row(gen_dir/task/"a0.0"/f"seed{s}"/"generation.jsonl", task, s, tests))
                print(rows[-1], flush=True)
                pd.DataFrame(rows).to_csv(OUT.with_name("fluency-n1000-control.csv"), index=False)
        sys.exit()
    lm, rows = load_lm(), (pd.read_csv(OUT).to_dict("records") if OUT.exists() else [])
    for task in tasks:
        tests = {"sel": selection_set(task), "ev": scored_split(task)}
        for s in SEEDS:
            gen = gen_dir/task/"a0.0"/f"seed{s}"/"generation.jsonl"
            for q in (0.0, FLUENCY):
                rows = [r for r in rows if (r["task"], r["seed"], r["fluency"]) != (task, s, q)]
                rows.append(curated_row(gen, task, s, q, lm, tests)); print(rows[-1], flush=True)
                pd.DataFrame(rows).sort_values(["task", "seed", "fluency"]).to_csv(OUT, index=False)
