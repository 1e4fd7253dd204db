"""Benchmark: where a small-row decode step's time goes on a GPU (issue 33, session 28).

Usage: python bench/gpu_profile.py [--size 1.7b|360m|tiny] [--rows 1 16 64] [--steps 24] [--tokenizer DIR] [--out DIR]
                                   [--no-cudnn-sdp | --cudnn-attention] [--steps-only | --policy]
Session 27's GPU table found a sampling decode step at 1 and 16 rows taking 52–60 ms on an H200, against 14.6 ms for
`lm.step` queued without a sync, and transformers' `generate()` the same. This times, per decode step and at each of
`--rows` rows (SST-2 FewGen prompts, the random model of `gpu_table.py`, bf16):
  queued   `lm.step` + argmax, no sync until the end (the table's `lm.step` column)
  synced   the same, with the chosen tokens copied to the CPU after every step (as a decode must)
  sample   `lm.step` + synthlab's `sample_next` (T=1, top-p 0.95), tokens on the CPU every step
  decode   synthlab's `decode` (T=1, top-p 0.95, no stop strings), wall seconds / steps
  generate transformers' `generate()` with the same sampling, wall seconds / steps
then `torch.profiler` over `--steps` steps of `decode` and of `generate()` at the smallest `--rows` (the top ops by
CPU time and by GPU time), and a CUDA graph of the step: transformers' `StaticCache` forward captured once and replayed
(ms per step), to size what capturing the launch-bound step would give. Writes profile.md to `--out`.
`--steps-only`: the first table alone; `--no-cudnn-sdp`: with SDPA's cuDNN kernel off for the whole process (the
first column, "first", is `queued` on shapes the process has not met before). `--policy`: `LM.cudnn_attention` on
and off in one process (`cudnn_policy`), written to policy.md. Session 28's results: bench/results/gpu-profile-h200.md
and gpu-steps-h200.md were made before synthlab left cuDNN's kernel out (`LM.cudnn_attention`, False since then);
`--cudnn-attention` lets it in again, as those runs had it.
"""
import argparse, os, sys, tempfile, time, traceback
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from decode_bench import prompts_for, time_synthlab, time_generate
from gpu_table import SIZES, random_model_dir, sync
from synthlab.lm import load_lm, cache_argument
from synthlab.task import get_task
from synthlab.decode import SamplingConfig, sample_next

CFG = SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=8, stop=())


def step_times(lm, rows: int, steps: int, device: str) -> dict:
    "Milliseconds per decode step at `rows` rows: queued, synced, sampled (see the module's docstring)."
    prefix, suffixes = prompts_for(lm, get_task("sst2"), rows)
    out, g = {}, torch.Generator().manual_seed(0)
    for name in ("first", "queued", "synced", "sample"):
        state, logp = lm.start(suffixes, prefix=prefix)
        tok = logp.argmax(-1)
        for i in range(steps + 2):                                            # 2 warm-up steps
            if i == 2: sync(); t = time.perf_counter()
            s = lm.step(state, tok)
            if name in ("first", "queued"): tok = s.argmax(-1)
            elif name == "synced": tok = s.argmax(-1).cpu().to(s.device)
            else: tok = sample_next(s, s, CFG, g).to(s.device)
        sync(); out[name] = 1000 * (time.perf_counter() - t) / steps
    ours = time_synthlab(lm, prefix, suffixes, steps, 0)
    ref = time_generate(lm, prefix, suffixes, steps, 0)
    out["decode"], out["generate"] = 1000 * ours[1] / steps, 1000 * ref[1] / steps
    return out


def profile_table(fn, device: str, top: int=15) -> str:
    "The `top` ops of `fn()` by self CPU time and by GPU time (torch.profiler key averages)."
    from torch.profiler import profile, ProfilerActivity
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device == "cuda" else [])
    with profile(activities=acts) as p: fn()
    ka = p.key_averages()
    t = "By self CPU time:\n\n```\n" + ka.table(sort_by="self_cpu_time_total", row_limit=top) + "\n```\n"
    if device == "cuda":
        t += "\nBy GPU time:\n\n```\n" + ka.table(sort_by="self_cuda_time_total", row_limit=top) + "\n```\n"
    return t


def graph_step_ms(lm, rows: int, steps: int, device: str) -> str:
    "ms per step: the model's forward over a transformers StaticCache, eager and replayed from one captured CUDA graph."
    from transformers import StaticCache
    model, B = lm.model, rows
    kw = cache_argument(model)
    prefix, suffixes = prompts_for(lm, get_task("sst2"), rows)
    enc = lm.tokenizer([prefix + s for s in suffixes], return_tensors="pt", padding=True).to(device)
    P = enc.input_ids.shape[1]
    res = {}
    for mode in ("eager", "graph"):
        cache = StaticCache(config=model.config, max_cache_len=P + steps + 8)
        with torch.inference_mode():
            model(input_ids=enc.input_ids, **{kw: cache}, cache_position=torch.arange(P, device=device),
                  use_cache=True)
            tok = torch.zeros(B, 1, dtype=torch.long, device=device); pos = torch.tensor([P], device=device)
            fwd = lambda: model(input_ids=tok, **{kw: cache}, cache_position=pos, use_cache=True).logits
            if mode == "graph":
                s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(s):
                    for _ in range(2): fwd()
                torch.cuda.current_stream().wait_stream(s)
                g = torch.cuda.CUDAGraph()
                with torch.cuda.graph(g): logits = fwd()
                run = lambda: (g.replay(), logits)[1]
            else: run = fwd
            sync(); t = time.perf_counter()
            for _ in range(steps):
                lg = run(); tok.copy_(lg[:, -1].argmax(-1, keepdim=True).cpu().to(device)); pos.add_(1)
            sync(); res[mode] = 1000 * (time.perf_counter() - t) / steps
    return res


def cudnn_policy(lm, rows_list: list, steps: int, device: str, repeats: int=2) -> list:
    ("Table rows: ms per step of synthlab's `decode` on AG News prompts not seen before, and seconds of one FewGen "
     "`generate_batch` at 16 rows, with `LM.cudnn_attention` on and off, alternating, `repeats` times each.")
    import random
    from synthlab.cli import make_parser, build_method
    got, seed = {}, 100
    for b in rows_list:
        for _ in range(repeats):
            for on in (True, False):
                lm.cudnn_attention, seed = on, seed + 1
                prefix, suffixes = prompts_for(lm, get_task("ag_news"), b, seed)
                _, secs, _ = time_synthlab(lm, prefix, suffixes, steps, 0)
                got.setdefault(f"decode, {b} rows, ms per step", {}).setdefault(on, []).append(1000 * secs / steps)
    task = get_task("ag_news")
    o = make_parser().parse_args(["generate", "--task", "ag_news", "--n", "64", "--out", "-", "--batch-rows", "16"])
    m = build_method("fewgen", o, task).fit(task, lm)
    for _ in range(repeats):
        for on in (True, False):
            lm.cudnn_attention, seed = on, seed + 1
            sync(); t = time.perf_counter()
            m.generate_batch(lm, task, random.Random(seed), torch.Generator().manual_seed(seed), seed,
                             {y: 4 for y in task.label_names})
            sync()
            got.setdefault("FewGen batch, 16 rows, AG News, s", {}).setdefault(on, []).append(time.perf_counter() - t)
    lm.cudnn_attention = False
    return [f"| {k} | {', '.join(f'{x:.1f}' for x in v[True])} | {', '.join(f'{x:.1f}' for x in v[False])} |"
            for k, v in got.items()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1.7b", choices=SIZES)
    ap.add_argument("--rows", type=int, nargs="+", default=[1, 16, 64])
    ap.add_argument("--steps", type=int, default=24)
    ap.add_argument("--device", default=None)
    ap.add_argument("--out", default=".")
    ap.add_argument("--no-cudnn-sdp", action="store_true", help="turn off cuDNN's attention kernel for SDPA")
    ap.add_argument("--steps-only", action="store_true", help="only the table of ms per step")
    ap.add_argument("--cudnn-attention", action="store_true", help="`LM.cudnn_attention = True`: synthlab's own "
                    "passes may use cuDNN's attention kernel, as before session 28")
    ap.add_argument("--policy", action="store_true", help="only `cudnn_policy`'s table: cuDNN attention on and off")
    ap.add_argument("--tokenizer", help="folder with SmolLM2's tokenizer and config (default: the embedded model's)")
    o = ap.parse_args()
    device = o.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if o.no_cudnn_sdp: torch.backends.cuda.enable_cudnn_sdp(False)
    if o.tokenizer is None:
        from synthlab.assets import dequantised_dir
        o.tokenizer = str(dequantised_dir())
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="synthlab-random-") as d:
        folder, params = random_model_dir(o.size, o.tokenizer, device, Path(d))
        lm = load_lm(str(folder), device=device)
    lm.cudnn_attention = o.cudnn_attention
    gpu = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    head = (f"machine: {gpu}, {os.cpu_count()} CPU cores; torch {torch.__version__}; SmolLM2 architecture at {o.size} "
            f"({params / 1e9:.2f} B), random weights, {lm.dtype} on {device}; loaded in {time.perf_counter() - t0:.0f} s"
            + ("; cuDNN attention off" if o.no_cudnn_sdp else ""))
    print(head, flush=True)
    if o.policy:
        rows = cudnn_policy(lm, o.rows, o.steps, device)
        text = "\n".join([head, "", "Shapes not seen before, `LM.cudnn_attention` on and off (alternating, in order):", "",
                          "| measure | cuDNN attention | without |", "|---|---|---|", *rows])
        print(text); Path(o.out).mkdir(parents=True, exist_ok=True); (Path(o.out)/"policy.md").write_text(text)
        return
    parts = [head, "", "ms per decode step:", "", "| rows | first | queued | synced | sample | decode | generate |",
             "|---|---|---|---|---|---|---|"]
    for b in o.rows:
        r = step_times(lm, b, o.steps, device); print(b, r, flush=True)
        parts.append(f"| {b} | " + " | ".join(f"{r[k]:.1f}" for k in ("first", "queued", "synced", "sample", "decode", "generate"))
                     + " |")
    if device == "cuda" and not o.steps_only:
        parts += ["", "A CUDA graph of the step (transformers StaticCache, greedy, tokens to the CPU every step), ms:", "",
                  "| rows | eager | graph |", "|---|---|---|"]
        for b in o.rows + [256]:
            try: r = graph_step_ms(lm, b, o.steps, device); parts.append(f"| {b} | {r['eager']:.1f} | {r['graph']:.1f} |")
            except Exception as e:
                traceback.print_exc(); parts.append(f"| {b} | failed: {type(e).__name__}: {str(e)[:200]} | |")
            print(parts[-1], flush=True)
    b = o.rows[0]
    prefix, suffixes = prompts_for(lm, get_task("sst2"), b)
    if not o.steps_only: parts += ["", f"## torch.profiler, synthlab `decode`, {b} row(s), {o.steps} steps", "",
              profile_table(lambda: time_synthlab(lm, prefix, suffixes, o.steps, 0), device),
              f"## torch.profiler, `generate()`, {b} row(s), {o.steps} steps", "",
              profile_table(lambda: time_generate(lm, prefix, suffixes, o.steps, 0), device)]
    text = "\n".join(parts)
    print(text)
    Path(o.out).mkdir(parents=True, exist_ok=True); (Path(o.out)/f"profile{'-nocudnn' if o.no_cudnn_sdp else ''}.md").write_text(text)


if __name__ == "__main__":
    main()
