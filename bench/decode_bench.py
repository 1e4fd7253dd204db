"""Benchmark: synthlab's FewGen decoding vs transformers' generate() on the same model, prompts, batch and dtype.

Usage: python bench/decode_bench.py [--batches 1 16 64] [--dtypes auto] [--new-tokens 48] [--reps 2] [--no-generate]
       python bench/decode_bench.py --refill [--dtypes float32]   (refill vs drop, see `refill_vs_drop`)
       python bench/decode_bench.py --profile [--batches 1 64]    (torch.profiler top operators of one decode step)
Prints a markdown table of generated tokens/s (wall), CPU seconds per generated token, and the ratio
(synthlab / generate), and writes it to bench/results/decode.md with the machine and its load average. Both sides
sample (temperature 1, top-p 0.95) and stop at EOS; tokens/s counts the tokens each actually produced. synthlab
prefills the shared few-shot prefix once per batch; generate() gets the full prompts (its usual use). On a shared
machine compare the CPU columns (process CPU time: what the run cost, whatever else runs beside it).
"""
import argparse, os, platform, random, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.decode import SamplingConfig, decode
from synthlab.prompts import fewshot_conversation, label_instruction, sample_shots


def prompts_for(lm, task, batch, seed=0):
    shots = sample_shots(task, 2, random.Random(seed))
    labels = [task.label_names[i % len(task.label_names)] for i in range(batch)]
    return lm.split_prefix([fewshot_conversation(task, shots, label_instruction(task, y)) for y in labels])


def time_synthlab(lm, prefix, suffixes, new_tokens, seed):
    "(generated tokens, wall seconds, CPU seconds) of one synthlab decode."
    cfg = SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=new_tokens, stop=())
    t, c = time.perf_counter(), time.process_time()
    r = decode(lm, suffixes, prefix=prefix, sampling=cfg, generator=torch.Generator().manual_seed(seed))
    return r.stats["generated_tokens"], time.perf_counter() - t, time.process_time() - c


def time_generate(lm, prefix, suffixes, new_tokens, seed):
    "(generated tokens, wall seconds, CPU seconds) of one `generate()` call."
    torch.manual_seed(seed)
    enc = lm.tokenizer([prefix + s for s in suffixes], return_tensors="pt", padding=True, add_special_tokens=True)
    t, c = time.perf_counter(), time.process_time()
    with torch.inference_mode():
        out = lm.model.generate(**enc, do_sample=True, temperature=1.0, top_p=0.95, max_new_tokens=new_tokens,
                                pad_token_id=lm.pad_id, eos_token_id=sorted(lm.eos_ids))
    dt, dc = time.perf_counter() - t, time.process_time() - c
    gen = out[:, enc.input_ids.shape[1]:]
    n = 0
    for row in gen.tolist():
        for tok in row:
            if tok in lm.eos_ids: break
            n += 1
    return n, dt, dc


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


def profile_step(lm, rows, steps=3, top=12) -> str:
    "torch.profiler's top operators (self CPU time) over `steps` decode steps of `rows` SST-2 FewGen rows."
    from torch.profiler import profile, ProfilerActivity
    prefix, suffixes = prompts_for(lm, get_task("sst2"), rows)
    state, logp = lm.start(suffixes, prefix=prefix)
    tok = logp.argmax(-1); tok = lm.step(state, tok).argmax(-1)        # warm-up step
    with profile(activities=[ProfilerActivity.CPU]) as p:
        for _ in range(steps): tok = lm.step(state, tok).argmax(-1)
    return (f"{rows} rows, step CPU s {step_seconds(lm, prefix, suffixes):.3f}, prompt tokens {state.prompt_tokens}:\n"
            + p.key_averages().table(sort_by="self_cpu_time_total", row_limit=top))


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")),
               platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return (f"machine: {cpu}, {os.cpu_count()} cores, torch {torch.__version__}, threads {torch.get_num_threads()}; "
            f"load average {os.getloadavg()[0]:.1f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--refill", action="store_true", help="measure refill vs drop instead of the decode table")
    ap.add_argument("--profile", action="store_true", help="profile one decode step at each of --batches rows instead")
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 16, 64])
    ap.add_argument("--dtypes", nargs="+", default=["auto"])
    ap.add_argument("--new-tokens", type=int, default=48)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--no-generate", action="store_true", help="time synthlab only (no generate() column)")
    o = ap.parse_args()
    if o.profile:
        lm = load_lm(dtype=o.dtypes[0]); print(machine(), lm)
        for b in o.batches: print(profile_step(lm, b), flush=True)
        return
    if o.refill:
        for dtype in o.dtypes: print(f"{dtype}, load average {os.getloadavg()[0]:.1f}:\n" + refill_vs_drop(load_lm(dtype=dtype)), flush=True)
        return
    task, at_start, rows = get_task("sst2"), machine(), []
    for dtype in o.dtypes:
        lm = load_lm(dtype=dtype)
        lm.tokenizer.padding_side = "left"
        prefix, suffixes = prompts_for(lm, task, 2)
        time_synthlab(lm, prefix, suffixes, 4, 0); time_generate(lm, prefix, suffixes, 4, 0)   # warm-up
        for b in o.batches:
            prefix, suffixes = prompts_for(lm, task, b)
            ours = [time_synthlab(lm, prefix, suffixes, o.new_tokens, s) for s in range(o.reps)]
            ref = [(1, float("nan"), float("nan"))] if o.no_generate else [time_generate(lm, prefix, suffixes, o.new_tokens, s) for s in range(o.reps)]
            tps = lambda xs: sum(x[0] for x in xs) / sum(x[1] for x in xs)
            ms_cpu = lambda xs: 1000 * sum(x[2] for x in xs) / sum(x[0] for x in xs)
            toks = lambda xs: sum(x[0] for x in xs)
            rows.append((str(lm.dtype).removeprefix("torch."), b, toks(ours), tps(ours), ms_cpu(ours), toks(ref), tps(ref), ms_cpu(ref), tps(ours) / tps(ref)))
            print(rows[-1], flush=True)
    head = (f"{at_start} at the start, {os.getloadavg()[0]:.1f} at the end; model smollm2-135m (embedded), "
            f"sampling T=1 top-p 0.95, up to {o.new_tokens} new tokens, {o.reps} reps\n\n")
    table = ("| dtype | rows | synthlab tokens | tok/s | CPU ms/tok | generate() tokens | tok/s | CPU ms/tok | ratio (tok/s) |\n"
             "|---|---|---|---|---|---|---|---|---|\n")
    table += "".join(f"| {d} | {b} | {n} | {a:.1f} | {ac:.1f} | {m} | {r:.1f} | {rc:.1f} | {x:.2f} |\n" for d, b, n, a, ac, m, r, rc, x in rows)
    print(head + table)
    Path("bench/results").mkdir(parents=True, exist_ok=True)
    Path("bench/results/decode.md").write_text(head + table)


if __name__ == "__main__":
    main()
