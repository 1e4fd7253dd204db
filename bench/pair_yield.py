"""Yield on the pair tasks: kept / generated candidates for FewGen and CorrSynth at a tiny budget, on the embedded model.

Usage: python bench/pair_yield.py [--tasks rte cb copa wic boolq] [--batches 2] [--seed 0] [--out bench/results/pair_yield.json]
Each (task, method) runs the driver for `--batches` batches (FewGen 4 sequences per label, CorrSynth 4 groups) with no
record target that could stop it early, and counts every decoded candidate the filters saw: kept, and each reject reason.
Written to compare the yield before and after priming the reply with the first field's "Field:" (notebook 02c);
`--label` names the run in the JSON (e.g. before / after), which keeps one entry per label, task and method.
"""
import argparse, json, os, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from matrix import TallyFilter, cpu_seconds, machine, atomic_json
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.generate import generate
from synthlab.fewgen import FewGen
from synthlab.corrsynth import CorrSynth

METHODS = dict(fewgen=lambda: FewGen(per_label=4), corrsynth=lambda: CorrSynth(groups=4))


def run(lm, task_name, method, batches, seed) -> dict:
    task, c0 = get_task(task_name), cpu_seconds()
    filt = TallyFilter(task)
    try: generate(METHODS[method](), task, lm, n=1000 * len(task.label_names), seed=seed, filt=filt, max_batches=batches, progress=False)
    except RuntimeError: pass                     # "only k of n records": expected, the target is out of reach on purpose
    rejected = {k: v for k, v in filt.counts.items() if v}
    generated = filt.kept + sum(rejected.values())
    return dict(kept=filt.kept, generated=generated, rejected=rejected, cpu_s=round(cpu_seconds() - c0, 1), examples=filt.examples)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", nargs="+", default=["rte", "cb", "copa", "wic", "boolq"])
    p.add_argument("--methods", nargs="+", default=list(METHODS)); p.add_argument("--batches", type=int, default=2)
    p.add_argument("--seed", type=int, default=0); p.add_argument("--label", required=True)
    p.add_argument("--out", default="bench/results/pair_yield.json")
    o = p.parse_args()
    out = Path(o.out); state = json.loads(out.read_text()) if out.is_file() else dict(runs={})
    lm = load_lm(); state["machine"] = machine()
    for t in o.tasks:
        for m in o.methods:
            r = run(lm, t, m, o.batches, o.seed)
            state["runs"][f"{o.label}|{t}|{m}"] = dict(label=o.label, task=t, method=m, batches=o.batches, seed=o.seed, **r)
            atomic_json(out, state)
            print(f"{o.label:8} {t:6} {m:10} kept {r['kept']:2} / {r['generated']:2}  {r['rejected']}  cpu {r['cpu_s']} s", flush=True)


if __name__ == "__main__": main()
