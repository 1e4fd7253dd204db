"""Run files (issue 31) against the old one-record-per-line format: bytes per record of a real SST-2 FewGen file, and the
time to resume (open a `RecordWriter`: lock, read, parse; then the state a resume needs: label counts, last batch, each
record's text) on a 100,000-record file built by repeating its records with distinct batch/index numbers, and the time
`read_records` takes to give every record its full provenance. Wall and CPU seconds; prints a markdown table with the
machine and its load.
Usage: PYTHONPATH=$PWD .venv/bin/python bench/runfile_bench.py [--file F] [--n 100000]"""
import argparse, json, os, platform, tempfile, time
from collections import Counter
from pathlib import Path

from synthlab.records import RecordWriter, read_records, run_text

CANDIDATES = ["nbs/tutorials/study/sst2/fewgen-a0.1/seed0/generation.jsonl", "/work/notes/ref/main/fewgen.jsonl"]

def machine() -> str:
    txt = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((l.split(":", 1)[1].strip() for l in txt.splitlines() if l.startswith("model name")), platform.processor())
    t0 = time.perf_counter(); sum(range(10**7)); calib = time.perf_counter() - t0
    return f"{model}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, sum(range(1e7)) {calib:.2f} s"

def old_text(recs) -> str: return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)

def timed(f) -> tuple:
    "(wall s, CPU s, f())."
    t0, c0 = time.perf_counter(), time.process_time()
    out = f()
    return time.perf_counter() - t0, time.process_time() - c0, out

def resume_state(path) -> int:
    ("Open a RecordWriter on `path` (the records-layer part of a resume) and take what a resume needs from its records: "
     "label counts, the last batch, the texts (the duplicate filter's key); returns how many records it holds.")
    with RecordWriter(path) as w:
        labels, batch, texts = Counter(), -1, set()
        for r in w.existing.compact(): labels[r["label"]] += 1; batch = max(batch, r["meta"]["batch"]); texts.add(r["text"])
        return len(w.existing)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--file", help="a real SST-2 FewGen records file (default: the study's, else the reference run's)")
    p.add_argument("--n", type=int, default=100_000, help="records in the synthesized resume file")
    o = p.parse_args()
    src = Path(o.file or next(f for f in CANDIDATES if Path(f).is_file()))
    recs = read_records(src)
    rows = [("machine", machine()), ("file", f"{src} ({len(recs)} records, "
                                             f"{len({r['meta'].get('prompt_hash') for r in recs})} distinct prompts)")]
    old, new = old_text(recs).encode(), run_text(recs).encode()
    rows += [("bytes per record, old format", f"{len(old) / len(recs):.0f}"),
             ("bytes per record, run file", f"{len(new) / len(recs):.0f}")]
    big = [{**r, "meta": {**r["meta"], "batch": i // 16, "index": i}} for i, r in
           ((i, recs[i % len(recs)]) for i in range(o.n))]
    with tempfile.TemporaryDirectory() as d:
        for name, text in (("old format", old_text(big)), ("run file", run_text(big))):
            f = Path(d)/f"{name.replace(' ', '-')}.jsonl"; f.write_text(text, encoding="utf-8")
            wall, cpu, n = timed(lambda: resume_state(f))
            assert n == o.n
            rows.append((f"resume {o.n:,} records, {name}", f"{wall:.2f} s wall, {cpu:.2f} s CPU ({f.stat().st_size / 1e6:.1f} MB)"))
            wall, cpu, got = timed(lambda: read_records(f))
            assert len(got) == o.n
            rows.append((f"read_records {o.n:,} records (full provenance), {name}", f"{wall:.2f} s wall, {cpu:.2f} s CPU"))
    print("| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows))

if __name__ == "__main__": main()
