"""Benchmark: a decode step's cost against the length of each row's own prompt, after a shared prefix.

Usage: python bench/own_context.py [--dtype auto|float32|bfloat16] [--rows 64] [--own 40 120 200] [--repeats 2]
Every row reads ONE copy of a ~55-token shared prefix (cascade attention from 32 rows on) and its own copy of a prompt
of `--own` tokens (real SST-2 training sentences), then decodes greedily: 4 warm-up steps, then 24 timed. The lengths
alternate within each repeat, so the machine's drift hits each alike. FewGen's rows own about 43 prompt tokens after
the shared prefix; SynAlign's example rows 113-207 (a demonstration cluster and its attributes; session 35), which is
why its example decodes cost more per step. Prints a markdown table with the machine.
"""
import argparse, os, random, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine
from synthlab.lm import load_lm
from synthlab.data import load_split
from synthlab.task import get_task


def rows_of(lm, texts, rows: int, own: int, rnd) -> list:
    "`rows` distinct prompts of at least `own` tokens each, from real sentences."
    out = []
    for i in range(rows):
        s = f"Example {i}: "
        while len(lm.tokenizer(s)["input_ids"]) < own: s += rnd.choice(texts) + " "
        out.append(s)
    return out


def ms_per_step(lm, prompts, prefix, warm=4, timed=24) -> float:
    state, logp = lm.start(prompts, prefix)
    tok = logp.argmax(-1)
    for _ in range(warm): tok = lm.step(state, tok).argmax(-1)
    t = time.perf_counter()
    for _ in range(timed): tok = lm.step(state, tok).argmax(-1)
    return (time.perf_counter() - t) / timed * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dtype", default="auto"); ap.add_argument("--rows", type=int, default=64)
    ap.add_argument("--own", type=int, nargs="+", default=[40, 120, 200]); ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    lm = load_lm(dtype=a.dtype)
    texts = list(load_split("sst2", "train", n=3000)[get_task("sst2").fields[0]])
    rnd, prefix = random.Random(0), "You write movie review sentences. " * 9
    prompts = {own: rows_of(lm, texts, a.rows, own, rnd) for own in a.own}
    times = {own: [] for own in a.own}
    for _ in range(a.repeats):
        for own in a.own: times[own].append(ms_per_step(lm, prompts[own], prefix))
    print(machine(lm), "\n")
    print(f"| own prompt tokens | rows | ms per step ({a.repeats} repeats) | × the shortest |")
    print("|---|---|---|---|")
    base = min(times[a.own[0]])
    for own in a.own:
        print(f"| {own} | {a.rows} | {' / '.join(f'{t:.0f}' for t in times[own])} | {min(times[own]) / base:.2f}× |")


if __name__ == "__main__": main()
