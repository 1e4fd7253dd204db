"""Benchmark: synthlab's FewGen decoding vs transformers' generate() on the same model, prompts, batch and dtype.

Usage: python bench/decode_bench.py [--batches 1 8 16] [--dtypes bfloat16 float32] [--new-tokens 48] [--reps 2]
       python bench/decode_bench.py --refill [--dtypes float32]   (refill vs drop, see `refill_vs_drop`)
Prints a markdown table of generated tokens/s and the ratio (synthlab / generate), and writes it to
bench/results/decode.md. Both sides sample (temperature 1, top-p 0.95) and stop at EOS; tokens/s counts the
tokens each actually produced. synthlab prefills the shared few-shot prefix once per batch; generate() gets the
full prompts (its usual use). Run on an otherwise idle machine.
"""
import argparse, os, platform, random, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.decode import SamplingConfig, decode
from synthlab.generate import fewshot_conversation, label_instruction, sample_shots


def prompts_for(lm, task, batch, seed=0):
    shots = sample_shots(task, 2, random.Random(seed))
    labels = [task.label_names[i % len(task.label_names)] for i in range(batch)]
    return lm.split_prefix([fewshot_conversation(task, shots, label_instruction(task, y)) for y in labels])


def time_synthlab(lm, prefix, suffixes, new_tokens, seed):
    cfg = SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=new_tokens, stop=())
    t = time.perf_counter()
    r = decode(lm, suffixes, prefix=prefix, sampling=cfg, generator=torch.Generator().manual_seed(seed))
    return r.stats["generated_tokens"], time.perf_counter() - t


def time_generate(lm, prefix, suffixes, new_tokens, seed):
    torch.manual_seed(seed)
    enc = lm.tokenizer([prefix + s for s in suffixes], return_tensors="pt", padding=True, add_special_tokens=True)
    t = time.perf_counter()
    with torch.inference_mode():
        out = lm.model.generate(**enc, do_sample=True, temperature=1.0, top_p=0.95, max_new_tokens=new_tokens,
                                pad_token_id=lm.pad_id, eos_token_id=sorted(lm.eos_ids))
    dt = time.perf_counter() - t
    gen = out[:, enc.input_ids.shape[1]:]
    n = 0
    for row in gen.tolist():
        for tok in row:
            if tok in lm.eos_ids: break
            n += 1
    return n, dt


def step_seconds(lm, prefix, suffixes, steps=3) -> float:
    "CPU seconds of one decode step with len(suffixes) rows after the prefill (mean of `steps`)."
    state, logp = lm.start(suffixes, prefix=prefix)
    tok = logp.argmax(-1)
    t = time.process_time()
    for _ in range(steps): tok = lm.step(state, tok).argmax(-1)
    return (time.process_time() - t) / steps


def refill_vs_drop(lm, rows=64, new_tokens=48, seed=0) -> str:
    """Continuous batching (refill a finished row's slot with a new prompt) against dropping finished rows, on a real
    64-row SST-2 FewGen batch (stop at a newline, as the task's default). Drop costs Σ_t c(live rows at step t); refill
    at best keeps every step full: (tokens generated / rows) steps of c(rows), its extra prefills left out (a bound in its
    favour). c(r) is measured per step at r rows and interpolated."""
    task = get_task("sst2")
    prefix, suffixes = prompts_for(lm, task, rows, seed)
    live = []
    cfg = SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=new_tokens, stop=("\n",))
    decode(lm, suffixes, prefix=prefix, sampling=cfg, generator=torch.Generator().manual_seed(seed),
           trace=lambda t, full, scores, base, active: live.append(int(active.sum())))
    sizes = sorted({1, 8, 16, 32, rows})
    cost = {r: step_seconds(lm, prefix, suffixes[:r]) for r in sizes}
    c = lambda r: float(np.interp(r, sizes, [cost[x] for x in sizes]))
    drop, passes = sum(c(r) for r in live[1:]), sum(live[1:])
    refill = passes / rows * cost[rows]
    lines = [f"step CPU s at rows {sizes}: " + ", ".join(f"{cost[r]:.3f}" for r in sizes),
             f"live rows per step: {live}",
             f"drop: {drop:.1f} CPU s; refill (bound): {refill:.1f} CPU s; refill/drop {refill / drop:.2f}; "
             f"{passes} row passes in {len(live) - 1} steps ({passes / max(1, len(live) - 1) / rows:.0%} of the slots busy)"]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--refill", action="store_true", help="measure refill vs drop instead of the decode table")
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 8, 16])
    ap.add_argument("--dtypes", nargs="+", default=["bfloat16", "float32"])
    ap.add_argument("--new-tokens", type=int, default=48)
    ap.add_argument("--reps", type=int, default=2)
    o = ap.parse_args()
    if o.refill:
        for dtype in o.dtypes: print(f"{dtype}, load average {os.getloadavg()[0]:.1f}:\n" + refill_vs_drop(load_lm(dtype=dtype)), flush=True)
        return
    task = get_task("sst2")
    rows = []
    for dtype in o.dtypes:
        lm = load_lm(dtype=dtype)
        lm.tokenizer.padding_side = "left"
        prefix, suffixes = prompts_for(lm, task, 2)
        time_synthlab(lm, prefix, suffixes, 4, 0); time_generate(lm, prefix, suffixes, 4, 0)   # warm-up
        for b in o.batches:
            prefix, suffixes = prompts_for(lm, task, b)
            ours = [time_synthlab(lm, prefix, suffixes, o.new_tokens, s) for s in range(o.reps)]
            ref = [time_generate(lm, prefix, suffixes, o.new_tokens, s) for s in range(o.reps)]
            tps = lambda xs: sum(n for n, _ in xs) / sum(t for _, t in xs)
            rows.append((dtype, b, tps(ours), tps(ref), tps(ours) / tps(ref)))
            print(rows[-1], flush=True)
    head = (f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, threads {torch.get_num_threads()}; "
            f"model smollm2-135m (embedded), sampling T=1 top-p 0.95, up to {o.new_tokens} new tokens, {o.reps} reps\n\n")
    table = "| dtype | batch | synthlab tok/s | generate() tok/s | ratio |\n|---|---|---|---|---|\n"
    table += "".join(f"| {d} | {b} | {a:.1f} | {r:.1f} | {x:.2f} |\n" for d, b, a, r, x in rows)
    print(head + table)
    Path("bench/results").mkdir(parents=True, exist_ok=True)
    Path("bench/results/decode.md").write_text(head + table)


if __name__ == "__main__":
    main()
