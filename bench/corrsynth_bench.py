"""Benchmark: FewGen vs CFG vs CorrSynth on the embedded model, same budget (n kept examples per method, same
max_new_tokens, same seed), on SST-2 (K = 2) and AG News (K = 4).

Usage: python bench/corrsynth_bench.py [--n 200] [--tasks sst2 ag_news] [--methods ...] [--max-new-tokens 48] [--seed 0] [--round-batches 2] [--threads N]

For each task and method it runs `synthlab.generate.generate` until n records pass the filters and reports, per kept
example: forward passes (`row_passes`: one row through the model for one step, prefill included), wall time, and the
generated tokens per second (every candidate's tokens, kept or not); the share of candidates kept; and diversity:
distinct-2 (`synthlab.metrics.distinct_n`) and the mean pairwise cosine within a label / the within-minus-across gap
(`synthlab.metrics.label_cosine`, embedded all-MiniLM-L6-v2). Prints a markdown table and writes it to
bench/results/corrsynth.md (or --out). "FewGen α=0.1" is FewGen with the same plausibility mask as the guided
methods: it separates the effect of the mask from the effect of the contrast. Run on an otherwise idle machine.
"""
import argparse, os, platform, tempfile, time
from collections import Counter
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
import torch
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.decode import SamplingConfig
from synthlab.generate import generate
from synthlab.filters import RecordFilter
from synthlab.fewgen import FewGen
from synthlab.corrsynth import CFG, CorrSynth
from synthlab.metrics import distinct_n, label_cosine, cosine_summary


def methods(T):
    "name → (method factory, layout); every method decodes the same number of sequences per batch."
    sc = lambda **k: SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=T, **k)
    return {
        "FewGen":            (lambda: FewGen(per_label=4, sampling=sc()), "1 row/seq"),
        "FewGen α=0.1":      (lambda: FewGen(per_label=4, sampling=sc(alpha=0.1)), "1 row/seq"),
        "CFG γ=1.5":         (lambda: CFG(gamma=1.5, per_label=4, sampling=sc()), "2 rows/seq"),
        "CorrSynth M=1":     (lambda: CorrSynth(m=1, groups=4, sampling=sc()), "K×1 group"),
        "CorrSynth M=2":     (lambda: CorrSynth(m=2, groups=2, sampling=sc()), "K×2 group"),
        "CorrSynth M=1 δ=0": (lambda: CorrSynth(m=1, delta=0.0, groups=4, sampling=sc()), "K×1 group"),
    }


def run_task(lm, task, ms, n, seed, round_batches, tmp):
    """Run every method to n kept records, interleaved: in each round every unfinished method runs `round_batches` more
    batches (`generate` resumes its JSONL file), so slow drifts in machine load hit all methods alike. The records are
    exactly those of one uninterrupted run; work counters come from the method, rejections from one shared filter."""
    st = {name: dict(method=make(), out=Path(tmp) / f"{task.name}-{i}.jsonl", filt=RecordFilter(task), wall=0.0, recs=None)
          for i, (name, (make, _)) in enumerate(ms.items())}
    rnd = 0
    while any(d["recs"] is None for d in st.values()):
        rnd += 1
        for name, d in st.items():
            if d["recs"] is not None: continue
            t = time.perf_counter()
            try: d["recs"] = generate(d["method"], task, lm, n=n, out=d["out"], seed=seed, filt=d["filt"],
                                      max_batches=round_batches, progress=False)
            except RuntimeError as e:
                if "batches" not in str(e): raise
            d["wall"] += time.perf_counter() - t
        print(f"{task.name}: round {rnd}, done: {[k for k, d in st.items() if d['recs'] is not None]}", flush=True)
    rows = []
    for name, d in st.items():
        recs, w, rej = d["recs"], d["method"].work, d["filt"].counts
        cos = cosine_summary(label_cosine(recs, task))
        rows.append(dict(task=task.name, K=len(task.label_names), method=name, params=d["method"].params(),
                         passes_per_ex=w["row_passes"] / n, tok_s=w["generated_tokens"] / d["wall"], s_per_ex=d["wall"] / n,
                         kept=n / (n + sum(rej.values())), distinct2=distinct_n(recs, 2, task),
                         cos_intra=cos["cos_intra"], cos_gap=cos["cos_gap"], rejected=dict(rej)))
    return rows


def table(rows) -> str:
    head = ("| task | method | passes / example | gen. tokens / s | wall s / example | kept | distinct-2 | "
            "cos within label | cos gap (within − across) |\n|---|---|---|---|---|---|---|---|---|\n")
    return head + "".join(
        f"| {r['task']} (K={r['K']}) | {r['method']} | {r['passes_per_ex']:.1f} | {r['tok_s']:.1f} | {r['s_per_ex']:.2f} | "
        f"{r['kept']:.0%} | {r['distinct2']:.3f} | {r['cos_intra']:.3f} | {r['cos_gap']:+.3f} |\n" for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200, help="kept examples per method and task")
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--methods", nargs="+", default=None, help="subset of the method names (default: all)")
    ap.add_argument("--max-new-tokens", type=int, default=48)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--round-batches", type=int, default=2, help="batches per method per round when interleaving the methods")
    ap.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's choice)")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "corrsynth.md"))
    o = ap.parse_args()
    if o.threads: torch.set_num_threads(o.threads)
    lm = load_lm()
    ms = methods(o.max_new_tokens)
    if o.methods:
        bad = [m for m in o.methods if m not in ms]
        if bad: ap.error(f"unknown methods {bad}; choose from {list(ms)}")
        ms = {k: v for k, v in ms.items() if k in o.methods}
    rows, t0 = [], time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for tname in o.tasks:
            new = run_task(lm, get_task(tname), ms, o.n, o.seed, o.round_batches, tmp)
            for r in new: print(table([r]).splitlines()[-1], r["rejected"], flush=True)
            rows += new
    load = os.getloadavg()
    env = (f"model {lm.name} ({lm.dtype}, {lm.device}), torch threads {torch.get_num_threads()}, {os.cpu_count()} CPUs, "
           f"load average at the end {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, python {platform.python_version()}, torch {torch.__version__}")
    text = (f"# CorrSynth benchmark\n\n{o.n} kept examples per method and task, max_new_tokens={o.max_new_tokens}, seed={o.seed}, "
            f"temperature 1, top-p 0.95; guided methods α=0.1 (CFG γ=1.5; CorrSynth γ=1, δ=0.5 unless stated, hybrid). Same batch size for all: "
            f"4 sequences per label per batch (CFG adds one contrast row per sequence). Methods run interleaved, {o.round_batches} "
            f"batches each per round (each resumes its own JSONL; same records as one uninterrupted run), so load drift affects all alike. {env}. Total {time.time() - t0:.0f} s.\n\n"
            + table(rows) +
            "\npasses / example: forward row passes (prefill + decode steps) per kept example; gen. tokens / s: every candidate's "
            "generated tokens over wall time; kept: share of candidates that passed the filters and quotas; cosine: "
            "all-MiniLM-L6-v2 embeddings, mean over pairs.\n")
    print("\n" + text)
    Path(o.out).parent.mkdir(parents=True, exist_ok=True)
    Path(o.out).write_text(text)


if __name__ == "__main__":
    main()
