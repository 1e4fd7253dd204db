"""Benchmark: synthlab on a GPU with a random-initialised model of SmolLM2's architecture (issue 33's GPU table).

Usage: python bench/gpu_table.py [--size 1.7b|360m|tiny] [--tokenizer DIR] [--rows 256] [--n 1024 | --batches 2]
                                 [--methods fewgen cfg corrsynth targen] [--tasks sst2 ag_news]
                                 [--decode-rows 1 16 64 256] [--new-tokens 48] [--device cuda] [--out PATH]
                                 [--cudnn-attention] [--share-prefix-from none|ROWS]
Nothing is downloaded. The model is the embedded SmolLM2-135M's config (a Llama) with the sizes of SmolLM2-1.7B
(hidden 2048, 24 layers, 32 heads, MLP 8192; `--size 360m`: SmolLM2-360M's; `tiny`: a 2-layer model to try the script
on a CPU), random weights from seed 0, saved with the embedded model's tokenizer (or `--tokenizer DIR`) to a temporary
folder and loaded by `load_lm` as any local model is: bf16 on a GPU that has it. Prints, with the GPU:
1. per task and method, `generate` of `--n` records at `--rows` rows per batch (CLI defaults otherwise), every
   candidate kept: candidates per minute, generated tokens/s, row passes, batches, seconds. A random model writes
   random tokens that the filters reject, so here every candidate counts as kept (the table also says how many the real
   filters would keep): the speed is the machinery's, and what a trained model keeps is its text's business, measured
   on the CPU with the real model (`bench/throughput.py`). TarGEN runs with two stand-ins a random model needs: where
   its context or seed list does not parse (always), the lists the embedded SmolLM2-135M wrote for that card on the CPU
   stand in (`--lists`, written on first use), so that steps 3 and 4 run at full width; and its judge is trusted
   (trust 0), so it scores every instance, as it does for a model that labels the card's shots well.
   `--batches B` instead: B batches straight through `generate_batch`, each asked for one batch's worth of records;
2. decode tokens/s of synthlab vs transformers' `generate()` at each of `--decode-rows` rows, same prompts, T=1,
   top-p 0.95, no stop strings, `--new-tokens` tokens (a random model seldom samples EOS: both sides decode every row
   to the cap, the same work);
3. each method's generated tokens/s at `--rows` rows over `generate()`'s at the same rows;
4. the wall time of one decode step (`lm.step`, one token for every row) at each of `--decode-rows` rows.
Writes the tables to bench/results/gpu-table.md (or `--out`).
"""
import argparse, json, os, platform, random, sys, tempfile, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from decode_bench import prompts_for, time_synthlab, time_generate
from synthlab.lm import load_lm
from synthlab.hardware import default_batch_rows
from synthlab.task import get_task
from synthlab.filters import RecordFilter
from synthlab.cli import make_parser, build_method
from synthlab.generate import generate

SIZES = {   # SmolLM2's published sizes (their config.json on the hub); "tiny" only tries the script out
    "1.7b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=24, num_attention_heads=32,
                 num_key_value_heads=32, head_dim=64),
    "360m": dict(hidden_size=960, intermediate_size=2560, num_hidden_layers=32, num_attention_heads=15,
                 num_key_value_heads=5, head_dim=64),
    "tiny": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2, head_dim=16),
}


def random_model_dir(size: str, tokenizer: str, device: str, out: Path) -> tuple:
    "(folder, parameters): SmolLM2's architecture at `size`, random weights (seed 0, bf16), the embedded tokenizer."
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    cfg = AutoConfig.from_pretrained(tokenizer)                     # the embedded model's own config: a Llama
    for k, v in SIZES[size].items(): setattr(cfg, k, v)
    torch.manual_seed(0)
    with torch.device(device): model = AutoModelForCausalLM.from_config(cfg, dtype=torch.bfloat16)
    model.save_pretrained(out); AutoTokenizer.from_pretrained(tokenizer).save_pretrained(out)
    params = sum(p.numel() for p in model.parameters())
    del model
    if device == "cuda": torch.cuda.empty_cache()
    return out, params


def real_lists(path: Path, tasks: list) -> dict:
    "{task: {contexts, seeds}}: TarGEN's step 1 and 2 lists by the embedded model on the CPU, cached in `path`."
    lists = json.loads(path.read_text()) if path.exists() else {}
    if all(t in lists for t in tasks): return lists
    from synthlab.targen import TarGEN
    lm = load_lm(device="cpu")
    for t in tasks:
        if t in lists: continue
        m, g = TarGEN(progress=False).fit(get_task(t), lm), torch.Generator().manual_seed(0)
        ctx = m.contexts(lm, get_task(t), g)
        lists[t] = dict(contexts=ctx, seeds=[s for s in m.seeds(lm, get_task(t), ctx, g) if s])
    path.parent.mkdir(parents=True, exist_ok=True); path.write_text(json.dumps(lists, indent=1, ensure_ascii=False))
    return lists


class KeepAll(RecordFilter):
    "Keeps every candidate (a random model's text fails the real filters) and counts those the real filters keep."
    def __init__(self, task): super().__init__(task); self.passed = 0
    def __call__(self, r): self.passed += bool(super().__call__(r)); return True


def stand_in_lists(m, lists: dict):
    "TarGEN `m` with the embedded model's lists where the random model's do not parse (counted in `m.work`)."
    contexts, seeds = m.contexts, m.seeds
    def contexts_or_real(lm, task, generator=None):
        got = contexts(lm, task, generator)
        if not got: m.work["contexts_stood_in"] += 1
        return got or lists["contexts"]
    def seeds_or_real(lm, task, asked, generator=None):
        got = seeds(lm, task, asked, generator)
        m.work["seeds_stood_in"] += sum(not s for s in got)
        return [s or lists["seeds"][i % len(lists["seeds"])] for i, s in enumerate(got)]
    m.contexts, m.seeds = contexts_or_real, seeds_or_real
    m.trust, m.retries, m._progress = 0.0, 0, False
    return m


def batch_speed(lm, task_name: str, method: str, rows: int, batches: int, lists: dict, seed: int=0) -> dict:
    ("`--batches` mode: `batches` batches of `method` at `rows` rows through `generate_batch`, each asked for one "
     "batch's worth (`rows` / K per label): candidates, tokens, seconds.")
    task = get_task(task_name)
    o = make_parser().parse_args(["generate", "--task", task_name, "--method", method, "--n", "100000", "--out", "-",
                                  "--batch-rows", str(rows)])
    m = build_method(method, o, task).fit(task, lm)
    need = {y: max(1, rows // len(task.label_names)) for y in task.label_names}
    if method == "targen": stand_in_lists(m, lists[task_name])
    run = m.generate_batch
    filt, cands, kept = RecordFilter(task), 0, 0
    run(lm, task, random.Random(seed), torch.Generator().manual_seed(seed), -1, dict(need))   # warm-up
    w0 = dict(m.work); sync()
    t = time.perf_counter()
    for b in range(batches):
        got = run(lm, task, random.Random(seed + b), torch.Generator().manual_seed(seed + b), b, dict(need))
        cands += len(got); kept += sum(1 for r in got if filt(r))
    sync(); dt = time.perf_counter() - t
    work = {k: v - w0.get(k, 0) for k, v in m.work.items()}
    tok = work.get("generated_tokens", 0)
    return dict(task=task_name, method=method, candidates=cands, kept=kept, seconds=dt, per_min=60 * cands / dt,
                tok=tok, tok_s=tok / dt, rows=work.get("row_passes", 0), batches=batches,
                rejected=dict(filt.counts.most_common(3)),
                **{k: v for k, v in work.items() if k.endswith(("stood_in", "judged"))})


def method_speed(lm, task_name: str, method: str, rows: int, n: int, lists: dict, seed: int=0) -> dict:
    "`generate` of `n` records of `method` at `rows` rows, every candidate kept: candidates, tokens, seconds."
    task = get_task(task_name)
    def fitted():
        o = make_parser().parse_args(["generate", "--task", task_name, "--method", method, "--n", str(n), "--out", "-",
                                      "--batch-rows", str(rows)])
        m = build_method(method, o, task).fit(task, lm)
        return stand_in_lists(m, lists[task_name]) if method == "targen" else m
    generate(fitted(), task, lm, n=8, seed=seed + 1, filt=KeepAll(task), progress=False)   # warm-up
    m, filt = fitted(), KeepAll(task)
    sync(); t = time.perf_counter()
    res = generate(m, task, lm, n=n, seed=seed, filt=filt, progress=False)
    sync(); dt = time.perf_counter() - t
    s = res.summary
    tok = s.get("generated_tokens", 0)
    return dict(task=task_name, method=method, candidates=len(res), kept=filt.passed, seconds=dt,
                per_min=60 * len(res) / dt, tok=tok, tok_s=tok / dt, rows=s.get("row_passes", 0), batches=s["batches"],
                rejected=dict(filt.counts.most_common(3)),
                **{k: v for k, v in s.items() if k.endswith(("stood_in", "judged"))})


def step_ms(lm, rows: int, steps: int=10) -> float:
    "Wall milliseconds of one `lm.step` (one new token for `rows` rows after the SST-2 FewGen prefill), mean of `steps`."
    prefix, suffixes = prompts_for(lm, get_task("sst2"), rows)
    state, logp = lm.start(suffixes, prefix=prefix)
    tok = logp.argmax(-1); tok = lm.step(state, tok).argmax(-1); sync()
    t = time.perf_counter()
    for _ in range(steps): tok = lm.step(state, tok).argmax(-1)
    sync()
    return 1000 * (time.perf_counter() - t) / steps


def save_table(text: str, out, default: str):
    "Print `text` and write it to `out` (default bench/results/`default`)."
    print(text)
    out = Path(out or Path(__file__).parent/"results"/default)
    out.parent.mkdir(parents=True, exist_ok=True); out.write_text(text)


def sync():
    if torch.cuda.is_available(): torch.cuda.synchronize()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1.7b", choices=SIZES)
    ap.add_argument("--tokenizer", help="folder with SmolLM2's tokenizer and config (default: the embedded model's)")
    ap.add_argument("--device", default=None)
    ap.add_argument("--rows", type=int, help="rows per batch (default: synthlab's for the device, 256 on a GPU)")
    ap.add_argument("--n", type=int, default=1024, help="records each method makes (every candidate kept)")
    ap.add_argument("--batches", type=int, help="instead: this many batches through `generate_batch`, each asked for "
                    "one batch's worth (rows / K per label)")
    ap.add_argument("--methods", nargs="+", default=["fewgen", "cfg", "corrsynth", "targen"])
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--decode-rows", type=int, nargs="+", default=[1, 16, 64, 256])
    ap.add_argument("--new-tokens", type=int, default=48)
    ap.add_argument("--lists", type=Path, default=Path(__file__).parent/"results"/"targen-lists.json",
                    help="TarGEN's stand-in lists (JSON; written with the embedded model on the CPU when missing)")
    ap.add_argument("--out", help="write the tables here (default bench/results/gpu-table.md)")
    ap.add_argument("--cudnn-attention", action="store_true", help="let SDPA use cuDNN's attention kernel "
                    "(`LM.cudnn_attention`; synthlab leaves it out since session 28)")
    ap.add_argument("--share-prefix-from", help="`LM.share_prefix_from`: the rows from which rows read ONE copy of "
                    "a shared prefix (default synthlab's, 32), or none: a copy per row (session 40's A/B)")
    o = ap.parse_args()
    device = o.device or ("cuda" if torch.cuda.is_available() else "cpu")
    rows = o.rows or default_batch_rows(device)
    if o.tokenizer is None:
        from synthlab.assets import dequantised_dir
        o.tokenizer = str(dequantised_dir())
    lists = real_lists(o.lists, o.tasks) if "targen" in o.methods else {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="synthlab-random-") as d:
        folder, params = random_model_dir(o.size, o.tokenizer, device, Path(d))
        lm = load_lm(str(folder), device=device)
    lm.cudnn_attention = o.cudnn_attention
    if o.share_prefix_from: lm.share_prefix_from = None if o.share_prefix_from == "none" else int(o.share_prefix_from)
    built = time.perf_counter() - t0
    gpu = torch.cuda.get_device_name() if device == "cuda" else platform.processor() or "CPU"
    head = (f"machine: {gpu}; torch {torch.__version__}; model: SmolLM2 architecture at {o.size} "
            f"({params / 1e9:.2f} B parameters), random weights (seed 0), {str(lm.dtype).removeprefix('torch.')} "
            f"({lm.dtype_reason}) on {device}; built and loaded in {built:.0f} s"
            + ("; cuDNN attention on" if o.cudnn_attention else "")
            + f"; share_prefix_from {lm.share_prefix_from!r}")
    print(head, flush=True)
    gen = []
    for task in o.tasks:
        for m in o.methods:
            try: gen.append(batch_speed(lm, task, m, rows, o.batches, lists) if o.batches
                            else method_speed(lm, task, m, rows, o.n, lists))
            except Exception as e: gen.append(dict(task=task, method=m, error=f"{type(e).__name__}: {str(e)[:300]}"))
            print(gen[-1], flush=True)
    dec = []
    for b in o.decode_rows:
        prefix, suffixes = prompts_for(lm, get_task("sst2"), b)
        time_synthlab(lm, prefix, suffixes, 4, 0); time_generate(lm, prefix, suffixes, 4, 0)     # warm-up
        ours = time_synthlab(lm, prefix, suffixes, o.new_tokens, 0)
        ref = time_generate(lm, prefix, suffixes, o.new_tokens, 0)
        dec.append((b, ours[0] / ours[1], ref[0] / ref[1], step_ms(lm, b))); print(dec[-1], flush=True)
    ref_at = {b: r for b, _, r, _ in dec}
    t1 = ("| task | method | batches | candidates | seconds | candidates / min | tokens | tokens/s | row passes | "
          "kept by the filters | vs generate() tok/s |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
    for r in gen:
        if "error" in r: t1 += f"| {r['task']} | {r['method']} | failed: {r['error']} |||||||||\n"; continue
        x = f"{r['tok_s'] / ref_at[rows]:.1f}×" if rows in ref_at else "–"
        t1 += (f"| {r['task']} | {r['method']} | {r['batches']} | {r['candidates']} | {r['seconds']:.1f} | "
               f"{r['per_min']:.0f} | {r['tok']} | {r['tok_s']:.0f} | {r['rows']} | {r['kept']} | {x} |\n")
    few = {r["task"]: r for r in gen if r["method"] == "fewgen" and "error" not in r}
    ratios = "".join(f"{r['method']} / fewgen candidates per minute on {r['task']}: "
                     f"{r['per_min'] / few[r['task']]['per_min']:.2f}×\n"
                     for r in gen if r["method"] != "fewgen" and "error" not in r and r["task"] in few)
    t2 = "| rows | synthlab tok/s | generate() tok/s | ratio | one lm.step, ms |\n|---|---|---|---|---|\n"
    t2 += "".join(f"| {b} | {a:.0f} | {r:.0f} | {a / r:.2f} | {ms:.1f} |\n" for b, a, r, ms in dec)
    how = (f"{o.batches} batches through generate_batch, each asked for one batch's worth" if o.batches else
           f"`generate` of {o.n} records, every candidate kept (after a warm-up run of 8)")
    text = (f"{head}\n\nEach method at {rows} rows per batch (CLI defaults otherwise), seed 0, {how}:\n\n{t1}\n{ratios}\nDecode, SST-2 FewGen prompts, T=1 top-p 0.95, "
            f"{o.new_tokens} new tokens, no stop strings:\n\n{t2}")
    save_table("\n" + text, o.out, "gpu-table.md")


if __name__ == "__main__":
    main()
