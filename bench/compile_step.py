"""Benchmark: does `torch.compile` pay for a CPU decode step in float32? (issue 33, item 3; session 28)

Usage: python bench/compile_step.py [--rows 28 64] [--steps 16] [--dtype float32] [--variants eager parts model] [--repeats 3]
The embedded SmolLM2-135M, the SST-2 FewGen prompts of `decode_bench.py`, after one prefill: wall milliseconds per
`lm.step` (greedy, `--steps` steps after 3 warm-up steps that also compile), the variants alternating in one
process `--repeats` times (median and each):
  eager   synthlab as it is
  parts   each decoder layer's MLP and both RMSNorms, and the final norm, compiled (`torch.compile(dynamic=True)`):
          the element-wise work between the matrix products fused, the products left to MKL
  model   the whole decoder stack (`model.model`) compiled (`dynamic=True`)
and the largest difference of its log-probs from eager's on the same steps. Prints a markdown table with the
machine; compile seconds are the warm-up's.
"""
import argparse, os, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from decode_bench import prompts_for
from synthlab.lm import load_lm, cpuinfo
from synthlab.task import get_task


PARTS = ("mlp", "input_layernorm", "post_attention_layernorm")

def swap(lm, variant: str, originals: dict) -> None:
    "Put `variant`'s modules in `lm.model` (compiled on first use; `originals` keeps eager's to put back)."
    c = lambda m: torch.compile(m, dynamic=True)
    mods = [(layer, k) for layer in lm.model.model.layers for k in PARTS] + [(lm.model.model, "norm")]
    if not originals:
        originals.update({(id(o), k): (o, getattr(o, k), c(getattr(o, k))) for o, k in mods})
        originals["model"] = (lm.model, lm.model.model, c(lm.model.model))
    for key, (owner, eager, comp) in originals.items():
        if key == "model": owner.model = comp if variant == "model" else eager
        else: setattr(owner, key[1], comp if variant == "parts" else eager)


def run(lm, rows: int, steps: int) -> tuple:
    "(ms per step, warm-up seconds, log-probs of every timed step) of greedy `lm.step` at `rows` rows."
    prefix, suffixes = prompts_for(lm, get_task("sst2"), rows)
    with torch.inference_mode():
        state, logp = lm.start(suffixes, prefix=prefix)
        tok, t = logp.argmax(-1), time.perf_counter()
        for _ in range(3): tok = lm.step(state, tok).argmax(-1)
        warm, out, t = time.perf_counter() - t, [], time.perf_counter()
        for _ in range(steps): lp = lm.step(state, tok); tok = lp.argmax(-1); out.append(lp)
    return 1000 * (time.perf_counter() - t) / steps, warm, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[28, 64])
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--variants", nargs="+", default=["eager", "parts", "model"])
    ap.add_argument("--repeats", type=int, default=3)
    o = ap.parse_args()
    lm, originals, got, warm, diff, ref = load_lm(dtype=o.dtype), {}, {}, {}, {}, {}
    for rep in range(o.repeats):                                   # variants alternate, in one process
        for v in o.variants:
            swap(lm, v, originals)
            for b in o.rows:
                try: ms, w, lps = run(lm, b, o.steps)
                except Exception as e:
                    got[v, b] = f"failed: {type(e).__name__}: {str(e)[:150]}".replace("\n", " "); continue
                if v == "eager" and b not in ref: ref[b] = lps
                if not isinstance(got.get((v, b)), str):
                    got.setdefault((v, b), []).append(ms); warm.setdefault((v, b), w)
                    diff[v, b] = max((a - r).abs().max().item() for a, r in zip(lps, ref[b])) if b in ref else 0.0
                print(v, b, got[v, b], flush=True)
    rows_out = [f"| {v} | {b} | {got[v, b]} | | |" if isinstance(got[v, b], str) else
                f"| {v} | {b} | {sorted(got[v, b])[len(got[v, b]) // 2]:.1f} ({', '.join(f'{x:.0f}' for x in got[v, b])}) | "
                f"{warm[v, b]:.1f} | {diff[v, b]:.2e} |" for v in o.variants for b in o.rows]
    head = (f"machine: {cpuinfo('model name')}, {os.cpu_count()} cores; {lm}; torch {torch.__version__}; "
            f"load average {os.getloadavg()[0]:.1f}")
    print(f"\n{head}\n\n| variant | rows | ms per step, median (each) | first warm-up s | max log-prob diff vs eager |\n|---|---|---|---|---|\n"
          + "\n".join(rows_out))


if __name__ == "__main__":
    main()
