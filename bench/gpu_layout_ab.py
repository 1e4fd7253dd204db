"""Benchmark: whole method batches on a GPU with the prompt prefix shared (cascade) or copied per row, alternating in
one process (session 42).

Usage: python bench/gpu_layout_ab.py [--size 1.7b|360m|tiny] [--tokenizer DIR] [--rows 256] [--batches 2]
                                     [--repeats 3] [--methods fewgen cfg corrsynth] [--tasks sst2 ag_news]
                                     [--device cuda] [--out PATH]
Session 40 (bench/results/gpu-table-h200-s40.md) found a copy of the prefix per row decoding 1.3–1.7× the tok/s of the
shared layout on an H200 with no stop strings (call 2), but whole method batches in two processes, one after the
other, moved both ways, and the second process was faster even where both ran the same code (call 3). So the default
stayed `LM.share_prefix_from` = 32 on every device. This is the measurement it asked for: on the random model of
`gpu_table.py` (SmolLM2's architecture, bf16), each task × method runs `--batches` batches through `generate_batch`
(`gpu_table.batch_speed`, one warm-up batch first, `--rows` rows, CLI defaults otherwise) with the prefix shared (32)
and copied (None), the two alternating `--repeats` times, the same seeds each time. Then one more pass of each with
`LM.keep` (dropping finished rows) and the KV buffers' growth (`kvcache._grown`, every `slack` = 64 tokens) timed,
each behind a CUDA synchronise (that pass is slower; its shares are what it reports). Prints and writes a table:
candidates per minute per repeat and their mean for each layout, copied over shared, and the timed pass's seconds in
`keep` and in growth.
"""
import argparse, os, sys, tempfile, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from gpu_table import SIZES, random_model_dir, real_lists, batch_speed, save_table, sync
import synthlab.kvcache as kvcache
from synthlab.lm import LM, load_lm


class Timed:
    "Wall seconds spent in `LM.keep` and in `kvcache._grown` while active, each call behind a synchronise."
    def __init__(self): self.keep = self.grow = 0.0; self.keeps = self.grows = 0
    def __enter__(self):
        self._keep, self._grown = LM.keep, kvcache._grown
        def keep(lm, state, rows):
            sync(); t = time.perf_counter(); self._keep(lm, state, rows); sync()
            self.keep += time.perf_counter() - t; self.keeps += 1
        def grown(*a, **k):
            sync(); t = time.perf_counter(); out = self._grown(*a, **k); sync()
            self.grow += time.perf_counter() - t; self.grows += 1
            return out
        LM.keep, kvcache._grown = keep, grown
        return self
    def __exit__(self, *exc): LM.keep, kvcache._grown = self._keep, self._grown


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1.7b", choices=SIZES)
    ap.add_argument("--tokenizer", help="folder with SmolLM2's tokenizer and config (default: the embedded model's)")
    ap.add_argument("--device", default=None)
    ap.add_argument("--rows", type=int, default=256)
    ap.add_argument("--batches", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--methods", nargs="+", default=["fewgen", "cfg", "corrsynth"])
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--lists", type=Path, default=Path(__file__).parent/"results"/"targen-lists.json",
                    help="TarGEN's stand-in lists, as in gpu_table.py (read only when --methods has targen)")
    ap.add_argument("--out", help="write the table here (default bench/results/gpu-layout-ab.md)")
    o = ap.parse_args()
    device = o.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if o.tokenizer is None:
        from synthlab.assets import dequantised_dir
        o.tokenizer = str(dequantised_dir())
    with tempfile.TemporaryDirectory(prefix="synthlab-random-") as d:
        folder, params = random_model_dir(o.size, o.tokenizer, device, Path(d))
        lm = load_lm(str(folder), device=device)
    lists = real_lists(o.lists, o.tasks) if "targen" in o.methods else {}
    gpu = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    default, layouts = LM.share_prefix_from, (("shared", LM.share_prefix_from), ("copied", None))
    lines = [f"machine: {gpu}; torch {torch.__version__}; SmolLM2 architecture at {o.size} ({params / 1e9:.2f} B "
             f"parameters), random weights, {str(lm.dtype).replace('torch.', '')}", "",
             f"{o.batches} batches of {o.rows} rows through generate_batch per run (one warm-up batch first), the prefix "
             f"shared from {default} rows or copied per row, alternating, {o.repeats} repeats, seed 0; then one timed "
             "pass of each with `keep` and the buffers' growth behind a synchronise:", "",
             "| task | method | prefix | candidates / min (each repeat) | mean | copied / shared | timed pass: s | "
             "in keep: s (calls) | in growth: s (calls) |", "|---|---|---|---|---|---|---|---|---|"]
    for task in o.tasks:
        for method in o.methods:
            runs = {how: [] for how, _ in layouts}
            for rep in range(o.repeats):
                for how, share_from in layouts:
                    lm.share_prefix_from = share_from
                    runs[how].append(batch_speed(lm, task, method, o.rows, o.batches, lists))
                    print(task, method, how, rep, f"{runs[how][-1]['per_min']:.0f}", flush=True)
            mean = {how: sum(r["per_min"] for r in rs) / len(rs) for how, rs in runs.items()}
            for how, share_from in layouts:
                lm.share_prefix_from = share_from
                with Timed() as tm: r = batch_speed(lm, task, method, o.rows, o.batches, lists)
                each = " / ".join(f"{x['per_min']:.0f}" for x in runs[how])
                ratio = f"{mean['copied'] / mean['shared']:.2f}×" if how == "copied" else ""
                lines.append(f"| {task} | {method} | {how} | {each} | "
                             f"{mean[how]:.0f} | {ratio} | {r['seconds']:.2f} | {tm.keep:.2f} ({tm.keeps}) | "
                             f"{tm.grow:.2f} ({tm.grows}) |")
                print(lines[-1], flush=True)
    save_table("\n".join(lines) + "\n", o.out, "gpu-layout-ab.md")


if __name__ == "__main__":
    main()
