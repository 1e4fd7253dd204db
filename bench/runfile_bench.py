"""Run files (issue 31) against the old one-record-per-line format: bytes per record of a real SST-2 FewGen file, and the
time to resume (open a `RecordWriter`: lock, read, parse; then the state a resume needs: label counts, last batch, each
record's text) on a 100,000-record file built by repeating its records with distinct batch/index numbers, and the time
`read_records` takes to give every record its full provenance. End to end: `synthlab generate` (`run_generate`, the
model loaded once beforehand and handed to it) and `generate(...)` resuming a 100,000-record SST-2 FewGen run file up to
its first new batch (open, lock, repair, settings check, label counts, last batch), then up to its second (the near-dup
index of the file's records, which the first candidate check needs). Wall and CPU seconds, each the median of
`--repeat` runs (all runs listed, with the CPU s of the full garbage collections that fell in each); prints a markdown
table with the machine and its load.
Usage: PYTHONPATH=$PWD .venv/bin/python bench/runfile_bench.py [--file F] [--run R] [--n 100000] [--repeat 3]
The reference run R (default below) is a small run made here once, e.g.
  .venv/bin/synthlab generate --task sst2 --seed 3 --dtype float32 --batch-rows 16 --n 32 --out /tmp/resume_ref/fewgen.jsonl"""
import argparse, gc, json, os, platform, shutil, statistics, tempfile, time
from collections import Counter
from pathlib import Path

from synthlab.records import RecordWriter, read_records, run_text

RUN = "/tmp/resume_ref/fewgen.jsonl"   # a real `synthlab generate --task sst2 --seed 3 --dtype float32 --batch-rows 16` run
CANDIDATES = ["nbs/tutorials/study/sst2/fewgen-a0.1/seed0/generation.jsonl", RUN]

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
        labels, batch = Counter(r["label"] for r in w.existing.compact()), max(w.existing.batches(), default=-1)
        texts = {r["text"] for r in w.existing.compact()}
        return len(w.existing)

class _Stop(Exception): "Raised by the timed method's second batch: the resume is measured, no decoding."

def big_run(run, texts, n) -> str:
    ("Run file text of `n` records shaped as `run`'s (its settings: `generate` with them resumes it), each with its own "
     "text\n    (`texts` numbered) and batch/index (16 a batch).")
    base, out = read_records(run), []
    for i in range(n):
        r, t = base[i % len(base)], f"{texts[i % len(texts)]} ({i // len(texts)})"
        m = {**r["meta"], "batch": i // 16, "index": i % 16}
        if isinstance(m.get("raw"), str): m["raw"] = m["raw"].replace(r["text"], t)
        out.append({**r, "text": t, "label": ("negative", "positive")[i % 2], "meta": m})
    return run_text(out)

def resume_generate(path, lm, n, cli, dup=None) -> tuple:
    ("(s to the first new batch, s from it to the second) of resuming `path` (`n` records) for one more, wall and CPU: "
     "by\n    `run_generate` (`cli`: what `synthlab generate` runs, the model `lm` handed to it) or by `generate`; the "
     "first batch returns\n    `dup`, a near copy of a text of the file (rejected as a duplicate: the first check of "
     "the near-dup index), if given.")
    import synthlab.backend
    from synthlab.configure import run_generate, build_method, check_options
    from synthlab.fewgen import FewGen
    from synthlab.generate import generate
    from synthlab.task import get_task
    marks, load, gen = [], synthlab.backend.load_backend, FewGen.generate_batch
    def batch(self, lm, task, rng, generator, b, need):
        marks.append((time.perf_counter(), time.process_time()))
        if len(marks) == 2: raise _Stop
        if dup is None: return []               # no candidates: the second batch follows at once
        return [{"text": dup, "label": next(y for y, q in need.items() if q > 0), "meta": {}}]
    full = []   # (CPU s at its start, CPU s it took) of each full garbage collection
    def collected(phase, info):
        if info["generation"] == 2:
            if phase == "start": full.append([time.process_time(), 0.0])
            else: full[-1][1] = time.process_time() - full[-1][0]
    FewGen.generate_batch, synthlab.backend.load_backend = batch, lambda *a, **k: lm
    t0 = (time.perf_counter(), time.process_time())
    gc.callbacks.append(collected)
    try:
        if cli: run_generate("sst2", path, method="fewgen", n=n + 1, seed=3, dtype="float32", batch_rows=16)
        else:
            t = get_task("sst2")
            m = build_method("fewgen", {**check_options("fewgen", {"batch_rows": 16}, "generate"), "data": None}, t)
            generate(m, t, lm, n + 1, out=path, seed=3, progress=False)
    except _Stop: pass
    finally: FewGen.generate_batch, synthlab.backend.load_backend = gen, load; gc.callbacks.remove(collected)
    return tuple((b[0] - a[0], b[1] - a[1], sum(d for at, d in full if a[1] <= at < b[1]))
                 for a, b in ((t0, marks[0]), (marks[0], marks[1])))

def med(runs, full_gc=False) -> str:
    "'median wall s wall, median CPU s CPU (each run's wall/CPU)' of (wall, CPU) pairs (`full_gc`: (wall, CPU, full gc CPU))."
    w, c = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    gcs = (f"; of it full garbage collections: {', '.join(f'{r[2]:.2f}' for r in runs)}" if full_gc else "")
    return f"{w:.2f} s wall, {c:.2f} s CPU (runs: {', '.join(f'{r[0]:.2f}/{r[1]:.2f}' for r in runs)}{gcs})"

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--file", help="a real SST-2 FewGen records file (default: the study's, else the reference run's)")
    p.add_argument("--run", default=RUN, help="a small SST-2 FewGen run (seed 3, float32) whose settings the resumed file has")
    p.add_argument("--n", type=int, default=100_000, help="records in the synthesized resume file")
    p.add_argument("--repeat", type=int, default=3, help="timed runs of each row (the median is reported)")
    p.add_argument("--e2e-only", action="store_true", help="only the end-to-end rows (not the format's)")
    o = p.parse_args()
    if not Path(o.run).is_file():
        p.error(f"--run {o.run} not found: make it first (see the docstring: a 32-record SST-2 FewGen run, seed 3, float32)")
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
        for name, text in () if o.e2e_only else (("old format", old_text(big)), ("run file", run_text(big))):
            f = Path(d)/f"{name.replace(' ', '-')}.jsonl"; f.write_text(text, encoding="utf-8")
            runs = [timed(lambda: resume_state(f)) for _ in range(o.repeat)]
            assert all(r[2] == o.n for r in runs)
            rows.append((f"resume {o.n:,} records, {name}", f"{med(runs)} ({f.stat().st_size / 1e6:.1f} MB)"))
            wall, cpu, got = timed(lambda: read_records(f))
            assert len(got) == o.n
            rows.append((f"read_records {o.n:,} records (full provenance), {name}", f"{wall:.2f} s wall, {cpu:.2f} s CPU"))
        del big
        from synthlab.lm import load_lm
        lm, f = load_lm("smollm2-135m", dtype="float32"), Path(d)/"resume.jsonl"
        f.write_text(big_run(o.run, [r["text"] for r in recs], o.n), encoding="utf-8")
        rows.append(("end to end: the resumed file", f"{o.run}'s settings, {o.n:,} records ({f.stat().st_size / 1e6:.1f} MB)"))
        dup = f"{recs[5]['text']} (0) indeed"   # a near copy of the file's record 5 (Jaccard ≥ 0.8, not an exact one)
        w = Path(d)/"warm.jsonl"; w.write_text(big_run(o.run, ["a warm-up"], 32), encoding="utf-8")
        for cli in (True, False):   # imports and first-call caches: once, before any timed run
            resume_generate(w, lm, 32, cli)
        for cli in (True, False):
            runs = []
            for _ in range(o.repeat):
                g = Path(d)/"run.jsonl"; shutil.copy(f, g)
                with open(g, "ab") as h: h.write(b'{"text":"a torn')   # the last line a kill left: repaired on open
                runs.append(resume_generate(g, lm, o.n, cli, dup))
            who = "`synthlab generate` (run_generate)" if cli else "`generate(...)`"
            fresh = []
            for i in range(o.repeat): fresh.append(resume_generate(Path(d)/f"new{int(cli)}{i}.jsonl", lm, o.n, cli)[0])
            rows += [(f"{who}: a new file (nothing to resume), up to the first batch", med(fresh, True)),
                     (f"{who}: resume up to the first new batch", med([r[0] for r in runs], True)),
                     (f"{who}: first → second batch (near-dup index of the file, one near copy checked)",
                      med([r[1] for r in runs], True)),
                     (f"{who}: both", med([tuple(a + b for a, b in zip(*r)) for r in runs], True))]
        rows.append(("machine, at the end", machine()))
    print("| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows))

if __name__ == "__main__": main()
