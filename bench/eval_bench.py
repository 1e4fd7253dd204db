"""Time the student paths of `synthlab.student` on 1,000 synthetic-like training examples (real SST-2 train sentences as a
stand-in), scored on SST-2 validation (872), over seeds 0,1,2, on 2 CPU threads.

Goals: fast path (frozen embeddings + logistic regression) < 30 s, fine-tuned MiniLM < 5 min.
The fast path is timed cold (empty embedding cache: every text is embedded) and warm (all embeddings cached).

    .venv/bin/python bench/eval_bench.py [--n 1000] [--threads 2] [--seeds 0 1 2] [--students linear minilm]

`wall_s` is what a user waits; `cpu_s` is the process's CPU time. On a machine shared with other busy processes, torch's
OpenMP threads spin while they wait for each other: wall time and CPU time then both rise with --threads 2. Compare with
--threads 1, whose cpu_s is close to the real work.
"""
import argparse, datetime, os, platform, sys, tempfile, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

def _meets(goal, wall, per_seed, student):
    "Linear: every seed incl. embedding the texts within the goal; fine-tuned: one student (one seed) within the goal."
    if not goal: return None
    return bool((wall if student == "linear" else per_seed) < goal)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="training examples (stand-in for a synthetic set)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--students", nargs="+", default=["linear", "minilm"])
    ap.add_argument("--test", default="sst2:validation")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "eval.md"))
    args = ap.parse_args()
    os.environ["SYNTHLAB_CACHE"] = tempfile.mkdtemp(prefix="synthlab-bench-")   # cold embedding cache
    import torch; torch.set_num_threads(args.threads)
    import pandas as pd
    from synthlab.data import load_split
    from synthlab.student import train_student
    train = load_split("sst2", "train", n=args.n, seed=0).to_list()
    goals = {"linear": 30, "minilm": 300}
    load0 = os.getloadavg()[0]
    runs = [(s, "cold") if s == "linear" else (s, "-") for s in args.students]
    if "linear" in args.students: runs.insert(runs.index(("linear", "cold")) + 1, ("linear", "warm"))
    rows = []
    for student, cache in runs:
        t0, c0 = time.time(), time.process_time()
        r = train_student(train, args.test, "sst2", student, seeds=args.seeds, progress=False)
        wall, cpu = time.time() - t0, time.process_time() - c0
        m = r.summary()
        goal = goals.get(student)
        rows.append({"student": student, "embedding cache": cache, "n_train": m["n_train"], "n_test": m["n_test"],
                     "seeds": m["seeds"], "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                     "s_per_seed": round(r.scores["seconds"].mean(), 1),
                     "epochs": ",".join(str(e) for e in r.scores["epochs"]) if student != "linear" else "-",
                     "accuracy": f"{m['accuracy']:.3f} ± {m['accuracy_std']:.3f}",
                     "macro_f1": f"{m['macro_f1']:.3f} ± {m['macro_f1_std']:.3f}",
                     "goal_s": goal, "ok": _meets(goal, wall, r.scores["seconds"].mean(), student)})
        print(rows[-1], file=sys.stderr, flush=True)
    load1 = os.getloadavg()[0]
    head = (f"synthlab student benchmark: {args.n} SST-2 train sentences (a stand-in for a synthetic set) → {args.test}, "
            f"seeds {','.join(map(str, args.seeds))}, torch threads {args.threads}, {os.cpu_count()} CPUs visible, "
            f"{platform.machine()}, torch {torch.__version__}; load average {load0:.1f} at the start, {load1:.1f} at the end; "
            f"{datetime.date.today()}. `wall_s` covers every seed; `s_per_seed` is one student's training + scoring. "
            f"Goals: linear, all seeds incl. embedding, < 30 s; fine-tuned, one student, < 300 s.")
    table = pd.DataFrame(rows)
    print("\n" + head)
    with pd.option_context("display.width", 200, "display.max_columns", 20): print(table.to_string(index=False))
    cols = list(table.columns)
    md = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n" + "".join(
        "| " + " | ".join(str(v) for v in row) + " |\n" for row in table.itertuples(index=False))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(head + "\n\n" + md)

if __name__ == "__main__": main()
