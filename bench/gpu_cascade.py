"""Benchmark: the shared-prefix (cascade) decode on a GPU against a copy of the prefix per row (session 40).

Usage: python bench/gpu_cascade.py [--size 1.7b|360m|tiny] [--tokenizer DIR] [--rows 32 64 128 256] [--repeats 3]
                                   [--new-tokens 48] [--device cuda] [--out PATH]
Session 40's GPU table (bench/results/gpu-table-h200-s40.md) decoded 1,409 tok/s at 64 rows, 45 ms a step, slower per
step than at 256 rows (29 ms), where session 27's made 2,628 at 64. From `LM.share_prefix_from` rows on (32), the rows
read ONE copy of the shared prompt prefix through synthlab's cascade attention (notebook 01f), measured on a CPU
(session 9: it loses at 1 and 16 rows, wins at 64). This times, on the random model of `gpu_table.py` (SmolLM2's
architecture, bf16), synthlab's decode of SST-2 FewGen prompts (T=1, top-p 0.95, no stop strings) and one `lm.step`
at each of `--rows` rows with the prefix shared (`LM.share_prefix_from`, 32) and copied per row
(None), the two alternating `--repeats` times after one untimed decode of each, and prints tok/s and ms per step for each.
Session 40's result, in bench/results/gpu-table-h200-s40.md (call 2): copies 1.3–1.7× the tok/s at every width.
Whole method batches with either (call 3, `gpu_table.py --share-prefix-from 32`, then copies) were mixed, so the
default stayed 32 on every device.
"""
import argparse, os, sys, tempfile, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from decode_bench import prompts_for, time_synthlab
from gpu_table import SIZES, random_model_dir, save_table, step_ms, sync
from synthlab.lm import LM, load_lm
from synthlab.task import get_task


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1.7b", choices=SIZES)
    ap.add_argument("--tokenizer", help="folder with SmolLM2's tokenizer and config (default: the embedded model's)")
    ap.add_argument("--device", default=None)
    ap.add_argument("--rows", type=int, nargs="+", default=[32, 64, 128, 256])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--new-tokens", type=int, default=48)
    ap.add_argument("--out", help="write the table here (default bench/results/gpu-cascade.md)")
    o = ap.parse_args()
    device = o.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if o.tokenizer is None:
        from synthlab.assets import dequantised_dir
        o.tokenizer = str(dequantised_dir())
    with tempfile.TemporaryDirectory() as d:
        folder, params = random_model_dir(o.size, o.tokenizer, device, Path(d))
        lm = load_lm(str(folder), device=device)
    gpu = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    lines = [f"machine: {gpu}; torch {torch.__version__}; SmolLM2 architecture at {o.size} ({params / 1e9:.2f} B "
             f"parameters), random weights, {str(lm.dtype).replace('torch.', '')}", "",
             f"Decode of {o.new_tokens} new tokens, SST-2 FewGen prompts, prefix shared (cascade) or copied per row, "
             f"{o.repeats} alternating repeats after one untimed decode each:", "",
             "| rows | prefix | tok/s (each repeat) | mean tok/s | ms per decode step | one lm.step, ms |",
             "|---|---|---|---|---|---|"]
    task, default = get_task("sst2"), LM.share_prefix_from
    for rows in o.rows:
        prefix, suffixes = prompts_for(lm, task, rows)
        runs = {"shared": [], "copied": []}
        for rep in range(o.repeats + 1):
            for how, share_from in (("shared", default), ("copied", None)):
                LM.share_prefix_from = share_from
                sync(); n, dt, _ = time_synthlab(lm, prefix, suffixes, o.new_tokens, seed=rep); sync()
                if rep: runs[how].append((n, dt))
        for how, share_from in (("shared", default), ("copied", None)):
            LM.share_prefix_from = share_from
            ms = step_ms(lm, rows)
            rates = [n / dt for n, dt in runs[how]]
            per_step = 1000 * sum(dt for _, dt in runs[how]) / (o.repeats * o.new_tokens)
            lines.append(f"| {rows} | {how} | {' / '.join(f'{r:.0f}' for r in rates)} | {sum(rates) / len(rates):.0f} "
                         f"| {per_step:.1f} | {ms:.1f} |")
            print(lines[-1], flush=True)
    LM.share_prefix_from = default
    save_table("\n".join(lines) + "\n", o.out, "gpu-cascade.md")


if __name__ == "__main__":
    main()
