"""The Python API at its defaults against the command line's, per method (issue 33: "the Python API at its defaults
within 10 % of the CLI's kept/min").

API: `generate(FewGen(), get_task("sst2"), lm, n=64, seed=0)`, the README's call, for each method class at its
defaults. CLI: the method `synthlab generate --task T --method M --n 64` builds (`build_method`, no other flag), run
in the same process on the same `lm`, so model loading is left out of both. The two alternate, order flipped per
method. Prints a markdown table with the machine: seconds, kept/min, API / CLI and whether the two made the same
records (text and label, in order): defaults in one place mean the same seed gives the same records.

Usage: python bench/api_vs_cli.py [--tasks sst2 ag_news] [--methods fewgen cfg corrsynth synalign targen] [--n 64]
"""
import argparse, os, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.generate import generate
from synthlab.configure import load_methods
from synthlab.cli import make_parser, build_method


def run(way: str, method: str, task: str, lm, n: int, seed: int) -> dict:
    card = get_task(task)
    if way == "api": m = load_methods()[method]()
    else: m = build_method(method, make_parser().parse_args(["generate", "--task", task, "--method", method,
                                                             "--n", str(n), "--out", "-"]), card)
    t = time.perf_counter()
    res = generate(m, card, lm, n=n, seed=seed, progress=False)
    dt = time.perf_counter() - t
    return dict(seconds=dt, per_min=60 * len(res) / dt, kept=len(res), batches=res.summary["batches"],
                records=[(tuple(r[f] for f in card.fields), r["label"]) for r in res.records])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", nargs="+", default=["sst2"])
    ap.add_argument("--methods", nargs="+", default=["fewgen", "cfg", "corrsynth", "synalign", "targen"])
    ap.add_argument("--n", type=int, default=64); ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    lm = load_lm()
    print(machine(lm), "\n")
    print("| task | method | API s | CLI s | API kept/min | CLI kept/min | API / CLI | batches | same records |")
    print("|---|---|---|---|---|---|---|---|---|")
    for task in a.tasks:
        for i, method in enumerate(a.methods):
            got = {}
            for way in (["api", "cli"] if i % 2 == 0 else ["cli", "api"]):
                got[way] = run(way, method, task, lm, a.n, a.seed)
            api, cli = got["api"], got["cli"]
            print(f"| {task} | {method} | {api['seconds']:.1f} | {cli['seconds']:.1f} | {api['per_min']:.0f} | "
                  f"{cli['per_min']:.0f} | {api['per_min'] / cli['per_min']:.2f}× | {api['batches']} / {cli['batches']} | "
                  f"{'yes' if api['records'] == cli['records'] else 'NO'} |", flush=True)


if __name__ == "__main__": main()
