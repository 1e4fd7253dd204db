"""Benchmark: how fast synthlab makes data on this machine.

Usage: python bench/throughput.py [--quick] [--dtype auto|float32|bfloat16|float16] [--layout auto|standard|transposed] [--n 64] [--methods fewgen corrsynth] [--judge 256] [--no-decode] [--out PATH]
Prints the machine (CPU model, cores, bf16/AMX flags, torch, the dtype and weight layout chosen and why), then
1. kept examples/min of every method at its CLI defaults with `--batch-rows` 64 on CPU / 256 on GPU, on SST-2,
   and on AG News unless --quick (--quick: FewGen, CFG, CorrSynth on SST-2 only), and each method's ratio to FewGen;
2. the log-prob judge (TarGEN's self-correction): calibrated label scores of `--judge` real SST-2 training records
   (records/s, and the seconds 1,000 records would take); --judge 0 skips it;
3. generated tokens/s of synthlab's decode vs transformers' generate() at 1, 16 and 64 rows, same prompts, sampling
   (T=1, top-p 0.95, no stop strings, EOS ends a row) and dtype.
Writes the tables to bench/results/throughput[-quick].md. Run it on an otherwise idle machine; the load average at
the start and the end is printed with the tables; on a shared machine compare the CPU columns (process CPU
time, all threads). --quick finishes in a few minutes on 2 idle cores.
"""
import argparse, json, os, platform, sys, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false"); os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from decode_bench import prompts_for, time_synthlab, time_generate
from synthlab.lm import load_lm, cpuinfo, cpu_flags, default_batch_rows, BF16_CPU_FLAGS
from synthlab.task import get_task
from synthlab.generate import generate
from synthlab.cli import make_parser, build_method


def machine(lm) -> str:
    cpu = cpuinfo("model name") or platform.processor()
    flags = sorted(f for f in cpu_flags() if f in BF16_CPU_FLAGS or f.startswith("amx") or f == "avx512f")
    gpu = f", GPU {torch.cuda.get_device_name()}" if lm.device.type == "cuda" else ""
    return (f"machine: {cpu}, {os.cpu_count()} cores, flags {' '.join(flags) or 'none'}{gpu}; torch {torch.__version__}, "
            f"{torch.get_num_threads()} threads; dtype {str(lm.dtype).removeprefix('torch.')} ({lm.dtype_reason}); "
            f"layout {lm.layout} ({lm.layout_reason}); load average {os.getloadavg()[0]:.1f}")


def kept_per_minute(lm, task, method, n, seed=0, records: Path=None, batch_rows: int=None, **attrs) -> dict:
    ("One run at the CLI's defaults, `batch_rows` rows a decode (default: the device's width, every method alike), "
     "the method's `attrs` set (e.g. TarGEN's `spare`).")
    full = ["--batch-rows", str(batch_rows or default_batch_rows(lm.device))]
    o = make_parser().parse_args(["generate", "--task", task, "--method", method, "--n", str(n), "--out", "-", *full])
    m = build_method(method, o, get_task(task)); m._progress = False
    for k, v in attrs.items(): setattr(m, k, v)
    t, c = time.perf_counter(), time.process_time()
    res = generate(m, task, lm, n=n, seed=seed, progress=False)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    recs, s = res.records, res.summary
    if records:                                                      # to read: `--records DIR`
        records.mkdir(parents=True, exist_ok=True)
        (records/f"{task}-{method}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs))
    return dict(task=task, method=method, n=len(recs), seconds=dt, per_min=60 * len(recs) / dt, s_per_kept=dt / len(recs), cpu=dc,
                rows=s.get("row_passes", 0), tok=s.get("generated_tokens", 0), batches=s["batches"], judged=m.work["judged"])


def against_fewgen(lm, task, method, arms: dict, seeds: list, n: int=64):
    ("Print a markdown table: at each seed FewGen, then `method` once per arm (name → method attributes), `n` records "
     "each at the CLI's defaults, caches warm (one untimed 4-record run of each first).")
    kept_per_minute(lm, task, "fewgen", 4, 1000); kept_per_minute(lm, task, method, 4, 1000)
    print("| seed | run | kept | seconds | batches | row passes | judged | × FewGen |\n|---|---|---|---|---|---|---|---|")
    for s in seeds:
        f = kept_per_minute(lm, task, "fewgen", n, s)
        print(f"| {s} | FewGen | {f['n']} | {f['seconds']:.1f} | {f['batches']} | {f['rows']} | | |", flush=True)
        for name, attrs in arms.items():
            r = kept_per_minute(lm, task, method, n, s, **attrs)
            print(f"| {s} | {name} | {r['n']} | {r['seconds']:.1f} | {r['batches']} | {r['rows']} | {r['judged']} | "
                  f"{r['per_min'] / f['per_min']:.2f} |", flush=True)


def judge_speed(lm, n: int) -> dict:
    "Seconds to judge `n` real SST-2 training records with calibrated label scores (TarGEN's default judge)."
    from synthlab.judge import label_scores
    from synthlab.synalign import load_pool
    recs = load_pool("sst2", "train", n, seed=1)
    label_scores(lm, "sst2", recs[:4])                                          # warm-up
    t, c = time.perf_counter(), time.process_time()
    label_scores(lm, "sst2", recs)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    return dict(n=len(recs), seconds=dt, per_s=len(recs) / dt, per_1000=1000 * dt / len(recs), cpu=dc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--layout", default=None, help="weights' layout: auto (measured once per machine), standard or transposed")
    ap.add_argument("--n", type=int, help="records kept per method (default 64; --quick 40)")
    ap.add_argument("--new-tokens", type=int, default=48)
    ap.add_argument("--methods", nargs="+", help="only these methods (default: all of the run's kind)")
    ap.add_argument("--judge", type=int, default=256, help="records the judge scores (0: skip the judge table)")
    ap.add_argument("--no-decode", action="store_true", help="skip the synthlab vs generate() decode table")
    ap.add_argument("--records", type=Path, help="also write each run's kept records here, TASK-METHOD.jsonl (to read them)")
    ap.add_argument("--out", help="write the tables here (default bench/results/throughput[-quick].md)")
    o = ap.parse_args()
    n = o.n or (40 if o.quick else 64)
    lm = load_lm(dtype=o.dtype, layout=o.layout)
    head = machine(lm); print(head, flush=True)
    tasks = ["sst2"] if o.quick else ["sst2", "ag_news"]
    methods = o.methods or ["fewgen", "cfg", "corrsynth"] + ([] if o.quick else ["synalign", "targen"])
    kept_per_minute(lm, "sst2", "fewgen", 4)                                    # warm-up
    gen = []
    for task in tasks:
        for m in methods:
            gen.append(kept_per_minute(lm, task, m, n, records=o.records)); print(gen[-1], flush=True)
    t1 = "| task | method | kept | seconds | kept / min | s / kept | CPU s | kept / CPU min | row passes | tokens | batches |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
    t1 += "".join(f"| {r['task']} | {r['method']} | {r['n']} | {r['seconds']:.1f} | {r['per_min']:.0f} | {r['s_per_kept']:.3f} | {r['cpu']:.1f} | "
                  f"{60 * r['n'] / r['cpu']:.0f} | {r['rows']} | {r['tok']} | {r['batches']} |\n" for r in gen)
    few = {r["task"]: r for r in gen if r["method"] == "fewgen"}
    ratios = "".join(f"{r['method']} / fewgen kept per minute on {r['task']}: {r['per_min'] / few[r['task']]['per_min']:.2f}×\n"
                     for r in gen if r["method"] != "fewgen" and r["task"] in few)
    jd = judge_speed(lm, o.judge) if o.judge else None
    if jd: print(jd, flush=True)
    t3 = "" if jd is None else (f"Judge (calibrated label scores, SST-2 training records, batches of {default_batch_rows(lm.device)}): "
                                f"{jd['n']} records in {jd['seconds']:.1f} s ({jd['per_s']:.1f} records/s, CPU {jd['cpu']:.1f} s): "
                                f"{jd['per_1000']:.0f} s per 1,000 records\n\n")
    task = get_task("sst2"); dec = []
    for b in () if o.no_decode else (1, 16, 64):
        prefix, suffixes = prompts_for(lm, task, b)
        ours = time_synthlab(lm, prefix, suffixes, o.new_tokens, 0)
        ref = time_generate(lm, prefix, suffixes, o.new_tokens, 0)
        dec.append((b, ours[0] / ours[1], ref[0] / ref[1])); print(dec[-1], flush=True)
    t2 = "| rows | synthlab tok/s | generate() tok/s | ratio |\n|---|---|---|---|\n"
    t2 += "".join(f"| {b} | {a:.1f} | {r:.1f} | {a / r:.2f} |\n" for b, a, r in dec)
    text = (f"{head}\n(load average at the end: {os.getloadavg()[0]:.1f})\n\nKept examples per minute, CLI defaults with --batch-rows {default_batch_rows(lm.device)}, seed 0:\n\n{t1}\n{ratios}\n" + t3
            + ("" if o.no_decode else f"Decode, SST-2 FewGen prompts, T=1 top-p 0.95, up to {o.new_tokens} new tokens:\n\n{t2}"))
    print("\n" + text)
    out = Path(o.out or Path(__file__).parent/"results"/f"throughput{'-quick' if o.quick else ''}.md")
    out.parent.mkdir(parents=True, exist_ok=True); out.write_text(text)


if __name__ == "__main__":
    main()
