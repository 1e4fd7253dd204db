"""Throughput of sharded generation with 1 and 2 workers: each worker is its own process running one shard
(`synthlab generate --shards K --shard I`), as a Ray task would. Prints a table with the machine and its load."""
import argparse, json, os, platform, subprocess, sys, tempfile, time
from pathlib import Path

import torch

def cpu_info() -> str:
    txt = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((l.split(":", 1)[1].strip() for l in txt.splitlines() if l.startswith("model name")), platform.processor())
    flags = next((l.split(":", 1)[1].split() for l in txt.splitlines() if l.startswith("flags")), [])
    bf16 = [f for f in ("amx_bf16", "avx512_bf16") if f in flags]
    return f"{model}, {os.cpu_count()} cores, bf16 flags: {', '.join(bf16) or 'none'}, torch {torch.__version__}"

def run(workers: int, n: int, args: list, folder: Path) -> dict:
    "Run the K=`workers` shards of an n-record job at once, one process each; wall time, generation time, tokens."
    out = folder/f"w{workers}.jsonl"
    cmd = [sys.executable, "-c", "from synthlab.cli import main; main()", "generate", "--task", "sst2", "--n", str(n),
           "--out", str(out), "--shards", str(workers), *args]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    t0 = time.time()
    procs = [subprocess.Popen(cmd + ["--shard", str(i)], env=env, stdout=subprocess.DEVNULL) for i in range(workers)]
    assert all(p.wait() == 0 for p in procs)
    wall = time.time() - t0
    sums = [json.loads(Path(f"{out.with_name(f'w{workers}.shard-{i}-of-{workers}.jsonl')}.summary.json").read_text()) for i in range(workers)]
    gen = max(s["seconds"] for s in sums)
    return dict(workers=workers, n=n, wall=wall, gen=gen, startup=wall - gen, tokens=sum(s.get("generated_tokens", 0) for s in sums),
                records_s=n / wall, gen_records_s=n / gen)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    o = ap.parse_args()
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as d:
        rows = [run(w, o.n, ["--per-label", "4", "--max-new-tokens", "32"], Path(d)) for w in o.workers]
    head = (f"machine: {cpu_info()}; dtype float32, 1 thread per worker; load average before/after: {load0:.1f}/{os.getloadavg()[0]:.1f}\n"
            f"job: SST-2 FewGen, n={o.n}, 4 sequences per label per batch, up to 32 new tokens; each worker = one process running one shard\n\n")
    table = "| workers | wall s | start-up + model load s (slowest) | generation s (slowest) | records/s (wall) | records/s (generation) | tok/s (generation) |\n|---|---|---|---|---|---|---|\n"
    table += "".join(f"| {r['workers']} | {r['wall']:.1f} | {r['startup']:.1f} | {r['gen']:.1f} | {r['records_s']:.2f} | {r['gen_records_s']:.2f} | {r['tokens'] / r['gen']:.1f} |\n" for r in rows)
    print(head + table)
    Path("bench/results").mkdir(parents=True, exist_ok=True)
    Path("bench/results/shard.md").write_text(head + table)

if __name__ == "__main__":
    main()
