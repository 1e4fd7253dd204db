"""One generation lever at the demo's scale, ten seeds (session 28): `python study/demo_scale.py LEVER [GEN_DIR] [TASK]
[VALUES]` from nbs/tutorials writes study/{LEVER}-demo-scale.csv (LEVER: margin, k_shots, unfinished, temperature,
shot_samples or budget;
TASK: sst2, the default, else study/{LEVER}-demo-scale-{TASK}.csv; VALUES: some of the lever's values, comma-separated).

For each value of the lever and seed 0–9, FewGen makes 64 SST-2 (or TASK) records (`synthlab generate --n 64 --seed s`, the
machine's dtype; in GEN_DIR/{lever}{value}/seed{s}/generation.jsonl, default a folder under /tmp, made there when
missing), `curate_file` keeps 32 by the shots' classifier (the demo's recipe), and the linear student (seed 0) trains
on the curated set alone and with the card's shots (share 0.5), scored on the selection set (`sel`: train rows
never evaluated) and the split the demo scores on (`ev`: SST-2's validation split, else the task's test split). It also records the run's seconds and batches (the machine was not
kept quiet: a rough cost, not a benchmark). The levers:
- margin: `seqs_needed`'s margin, 0.25 (the default) or 1.0. Session 27 measured 1.0 1.3–1.5× faster on small runs.
- k_shots: FewGen's shots per label in each prompt (`--k-shots`), 2 (the default) or 4 (of the card's 6 per label).
- unfinished: the filters' mid-clause rule (session 34: `unfinished_end`, notebook 02d) on (the default) or off. It
  changes which candidates are kept: a seed's first batch decodes the same candidates either way, and later batches
  follow what each label still needs.
- temperature: FewGen's sampling temperature (`--temperature`), 1.0 (the default), 0.8 or 0.6 (session 35). A cooler
  sample should garble less and vary less; the curated set and the student say which weighs more.
- shot_samples: FewGen's draws of the shots per batch (`--shot-samples`), 1 (the default) or 8 (session 39). One
  draw gives a 64-record run as many prompts per label as it has batches; eight give each batch eight.
- quotes_asides: session 52's filter rules (notebook 02d: `strip_lone_quotes`, `unclosed_quote` after a trim, a label
  named aside, talk of writing one) on (the default) or off. Like `unfinished`, they change which candidates are kept.
- budget: new tokens per word of the task's 95th-percentile example (`instance_tokens`' `TOKENS_PER_WORD`), 2 (the
  default) or 1.5, given as `--max-new-tokens` (session 40: SST-2 52 → 39, TREC 34 → 26, AG News 128 → 98). Its
  `seconds` are each run's summary's (generation alone, made here or before: the default arm's runs are session 39's
  one-draw runs, copied into GEN_DIR/budget2), and it records `truncated` and `trimmed` as `unfinished` does.
margin-demo-scale.csv was written by this script's first version (margin_demo_scale.py at commit 5c8bc30), whose
`batches` column is the batches each run decoded (here: the batches its kept records came from) and which had no
`prompts` column."""
import json, sys, time, warnings
from pathlib import Path
import pandas as pd

from synthlab.cli import main
from synthlab.curate import curate_file
from synthlab.generate import seqs_needed
import synthlab.filters as filters_module
from synthlab.records import read_records
from synthlab.student import compare
from synthlab.studentdata import selection_set
from synthlab.task import get_task

STUDY = Path(__file__).resolve().parent
LEVERS = {"margin": {0.25: dict(margin=0.25), 1.0: dict(margin=1.0)},
          "k_shots": {2: dict(args=["--k-shots", "2"]), 4: dict(args=["--k-shots", "4"])},
          "unfinished": {"off": dict(unfinished=False), "on": dict(unfinished=True)},
          "temperature": {t: dict(args=["--temperature", str(t)]) for t in (1.0, 0.8, 0.6)},
          "shot_samples": {1: dict(args=["--shot-samples", "1"]), 8: dict(args=["--shot-samples", "8"])},
          "budget": {2: dict(), 1.5: dict(tokens_per_word=1.5)},
          "quotes_asides": {"off": dict(asides=False), "on": dict(asides=True)}}

def budget_tokens(task: str, tokens_per_word: float) -> int:
    "`instance_tokens(task)` with `tokens_per_word` new tokens per word in place of `TOKENS_PER_WORD`."
    from synthlab.generate import instance_tokens
    return instance_tokens(get_task(task), per_word=tokens_per_word)

def scored_split(task: str) -> str:
    "The split the study scores `task`'s students on (`ev`): SST-2's validation split (its test split has no labels), else the test split."
    return f"{task}:validation" if task == "sst2" else f"{task}:test"

def study_csv(stem: str, task: str) -> Path:
    "study/{stem}.csv for SST-2, else study/{stem}-{task}.csv (underscores as hyphens)."
    return STUDY/(stem.replace("_", "-") + ("" if task == "sst2" else f"-{task.replace('_', '-')}") + ".csv")

def generated(gen: Path, seed: int, margin: float=0.25, args: list=(), unfinished: bool=True, task: str="sst2",
              tokens_per_word: float=None, asides: bool=True) -> float:
    ("Seconds to make `gen` (64 FewGen records of `task` at `seed`, `seqs_needed`'s `margin`, CLI `args`, the mid-clause "
     "rule on or off, session 52's quote and aside rules on or off (`asides`), `budget_tokens(task, tokens_per_word)` "
     "new tokens if given); 0 if it exists.")
    if gen.exists(): return 0.0
    if tokens_per_word: args = [*args, "--max-new-tokens", str(budget_tokens(task, tokens_per_word))]
    gen.parent.mkdir(parents=True, exist_ok=True)
    default, ends, t = seqs_needed.__defaults__, filters_module.unfinished_end, time.perf_counter()
    seqs_needed.__defaults__ = (margin,)
    if not unfinished: filters_module.unfinished_end = lambda text, kinds=(): None
    rules52 = (filters_module.unclosed_quote, filters_module._TASK_TALK, filters_module.RecordFilter.__init__)
    if not asides:                # session 52's rules off: the quote repair and the aside on each filter, two in the module
        import re
        init = rules52[-1]
        def without_asides(self, *a, **k):
            init(self, *a, **k); self._aside, self._unquote = re.compile(r"(?!)"), False
        (filters_module.unclosed_quote, filters_module._TASK_TALK, filters_module.RecordFilter.__init__) = \
            lambda t: False, re.compile(r"(?!)"), without_asides
    try: main(["generate", "--task", task, "--n", "64", "--out", str(gen), "--seed", str(seed), *args])
    finally:
        seqs_needed.__defaults__, filters_module.unfinished_end = default, ends
        filters_module.unclosed_quote, filters_module._TASK_TALK, filters_module.RecordFilter.__init__ = rules52
    return time.perf_counter() - t

def student_scores(curated: Path, tests: dict) -> dict:
    ("The linear student (seed 0) on `curated` alone, with the card's shots (share 0.5), and the shots alone, on each "
     "of `tests` (name → test set): {name_curated, name_curated_w0.5, name_shots_alone}.")
    out = {}
    for k, t in tests.items():
        df = compare({"curated": curated}, t, seeds=(0,), with_pool=True, progress=False)
        out[f"{k}_curated"] = round(float(df.loc["curated", "accuracy"]), 4)
        out[f"{k}_curated_w0.5"] = round(float(df.loc["curated + pool", "accuracy"]), 4)
        out[f"{k}_shots_alone"] = round(float(df.loc[[i for i in df.index if i.startswith("few-shot pool")][0],
                                                     "accuracy"]), 4)
    return out

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    lever = sys.argv[1]
    gen_dir = Path(sys.argv[2] if len(sys.argv) > 2 else f"/tmp/synthlab-{lever}-demo")
    task = sys.argv[3] if len(sys.argv) > 3 else "sst2"
    values = {v: how for v, how in LEVERS[lever].items() if len(sys.argv) <= 4 or str(v) in sys.argv[4].split(",")}
    tests = {"sel": selection_set(task), "ev": scored_split(task)}
    rows = []
    for s in range(10):
        for value, how in values.items():
            d = gen_dir/f"{lever}{value}"/f"seed{s}"; gen = d/"generation.jsonl"
            secs = generated(gen, s, **how, task=task)
            summary = json.loads(Path(f"{gen}.summary.json").read_text())
            if lever == "budget": secs = summary["seconds"]     # the run's own, made here or before (budget2: session 39's)
            curate_file(gen, task, 32, d/"curated.jsonl", progress=False, overwrite=True)
            recs = read_records(gen)
            row = {"seed": s, lever: value, "dtype": recs[0]["meta"]["dtype"], "seconds": round(secs, 1),
                   "batches": len({r["meta"]["batch"] for r in recs}),
                   "prompts": len({r["meta"]["prompt_hash"] for r in recs})}
            if lever in ("unfinished", "budget"):     # what the filters did: rejected as cut, kept after a trim
                row.update(truncated=summary["rejected"].get("truncated", 0), trimmed=summary.get("kept_trimmed", 0))
            row.update(student_scores(d/"curated.jsonl", tests))
            rows.append(row); print(row, flush=True)
    pd.DataFrame(rows).to_csv(study_csv(f"{lever}-demo-scale", task), index=False)
