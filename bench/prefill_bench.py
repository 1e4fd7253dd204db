"""Benchmark: prefill in length buckets (`length_buckets`, `LM.prefill_buckets`) against one padded call, on the real
prompts of a run. For each (task, method) it runs `generate` once (64 kept, CLI defaults, `--batch-rows` 64, seed 0)
and records every `LM.start` call; then it replays the calls of 8 or more rows, alternating one padded call
(`prefill_buckets = 1`) and the default (buckets on a CPU), `--repeat` times, on the same inputs, and prints the
seconds of each pass and their ratio (best against best), with the prompt tokens computed and padded.
Usage: HF_HUB_OFFLINE=1 PYTHONPATH=$PWD .venv/bin/python bench/prefill_bench.py [--dtype auto] [--repeat 3]
       [--runs sst2:synalign ag_news:synalign sst2:targen ag_news:targen] [--out PATH]
Run it on an otherwise idle machine."""
import argparse, os, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine
from synthlab.lm import LM, load_lm, length_buckets, default_batch_rows
from synthlab.task import get_task
from synthlab.generate import generate
from synthlab.cli import make_parser, build_method


def captured_starts(lm, task: str, method: str, n: int = 64) -> list:
    "Every `LM.start` call (prompts, prefix, stems) of one `generate` run at the CLI's defaults."
    calls, start = [], LM.start
    def spy(self, prompts, prefix="", stems=False):
        calls.append((list(prompts), prefix, stems)); return start(self, prompts, prefix, stems)
    o = make_parser().parse_args(["generate", "--task", task, "--method", method, "--n", str(n), "--out", "-",
                                  "--batch-rows", str(default_batch_rows(lm.device))])
    LM.start = spy
    try: generate(build_method(method, o, get_task(task)), task, lm, n=n, seed=0, progress=False)
    finally: LM.start = start
    return calls


def tokens(lm, calls: list) -> tuple:
    "(prompt tokens after each call's prefix, those padded in one call, those padded in the default buckets)."
    real = one = split = 0
    for prompts, prefix, stems in calls:
        pre = lm._encode(prefix, first=True)
        L = [len(lm._encode(p, first=not pre)) for p in dict.fromkeys(prompts)]
        real, one = real + sum(L), one + len(L) * max(L)
        split += sum(len(b) * max(L[i] for i in b) for b in length_buckets(L))
    return real, one, split


def replay(lm, calls: list, most) -> float:
    lm.prefill_buckets = most
    t = time.perf_counter()
    for prompts, prefix, stems in calls: lm.start(prompts, prefix, stems)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--runs", nargs="+", default=["sst2:synalign", "ag_news:synalign", "sst2:targen", "ag_news:targen"])
    ap.add_argument("--out", help="also write the table here")
    o = ap.parse_args()
    lm = load_lm(dtype=o.dtype)
    head = machine(lm); print(head, flush=True)
    rows = ["| task | method | calls | rows | prompt tokens | padded: one call | padded: buckets | one call, s | buckets, s "
            "| ratio |", "|---|---|---|---|---|---|---|---|---|---|"]
    for run in o.runs:
        task, method = run.split(":")
        calls = [c for c in captured_starts(lm, task, method) if len(c[0]) >= 8]
        real, one, split = tokens(lm, calls)
        times = {1: [], None: []}
        for _ in range(o.repeat):
            for most in (1, None): times[most].append(replay(lm, calls, most))
        lm.prefill_buckets = LM.prefill_buckets
        fmt = lambda ts: ", ".join(f"{t:.1f}" for t in ts)
        rows.append(f"| {task} | {method} | {len(calls)} | {sum(len(c[0]) for c in calls)} | {real} | {one} | {split} | "
                    f"{fmt(times[1])} | {fmt(times[None])} | {min(times[None]) / min(times[1]):.2f}× |")
        print(rows[-1], flush=True)
    table = "\n".join([head, f"(load average at the end: {os.getloadavg()[0]:.1f})", "", *rows]) + "\n"
    print(table)
    if o.out: Path(o.out).write_text(table)


if __name__ == "__main__":
    main()
