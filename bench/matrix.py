"""Matrix: every generation method × every built-in task, a few records each, on the embedded model.

Usage: python bench/matrix.py [--n N] [--max-batches 4] [--methods fewgen cfg ...] [--tasks sst2 rte ...] [--seed 0]
                              [--cell-timeout 900] [--rerun] [--render]
Each cell runs the driver (`generate`) with the method's defaults at a tiny budget (one or two sequences per label per
batch) until n records pass the filters (default n: one per label), at most `--max-batches` batches. A cell yields
records or ends in the error that stopped it, which the table shows, so a broken cell is visible.

Resumable: every finished cell is written at once (atomically) to `bench/results/matrix.json`, keyed by task and method
with the run's settings; a rerun skips cells already there with the same settings (`--rerun` redoes them), so an
interruption loses at most the cell in progress. The markdown table (`bench/results/matrix.md`) is rebuilt from the
JSON after every cell: kept / candidates, reject reasons, CPU and wall seconds, the error; the JSON also keeps the
first raw text of each reject reason, to see why candidates failed. CPU seconds count this process only, so they are
comparable across loads; wall seconds depend on what else runs on the machine.
"""
import argparse, json, os, platform, resource, signal, time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
import torch
from synthlab.lm import load_lm
from synthlab.task import get_task, list_tasks
from synthlab.generate import generate
from synthlab.filters import RecordFilter

METHODS = ["fewgen", "cfg", "corrsynth", "synalign", "targen"]
DEFAULT_MAX_BATCHES = 4   # a cell run with another --max-batches keeps the others (it is recorded in the cell)
NOTES = {("imdb", "synalign"): "the clear error is the expected outcome here: SynAlign explores its demonstrations in the task's "
         "*train* split, and this machine's IMDb data has only the test split (`../shared/data/imdb/test.jsonl`), whose "
         "texts must not be used as demonstrations since students are scored on them; the hub is unreachable. With an "
         "IMDb train split (local, or the hub) the cell runs as the other single-text tasks do.",
         ("copa", "targen"): "the embedded 135M model does not write COPA's four-field layout in TarGEN's instance step "
         "(0 of 22 candidates parse in 12 batches: it writes e.g. 'Choose1:' for 'Choice1:'), so the driver stops with "
         "the error that names the unparsable replies; FewGen, CFG, CorrSynth and SynAlign do yield COPA records."}


def tiny(name):
    "The method `name` at a tiny budget: its defaults, but few sequences per batch."
    if name == "fewgen":
        from synthlab.fewgen import FewGen; return FewGen(per_label=1)
    if name == "cfg":
        from synthlab.corrsynth import CFG; return CFG(per_label=1)
    if name == "corrsynth":
        from synthlab.corrsynth import CorrSynth; return CorrSynth(groups=1)
    if name == "synalign":
        from synthlab.synalign import SynAlign; return SynAlign(per_label=1, pool_size=60)
    if name == "targen":
        from synthlab.targen import TarGEN; return TarGEN(n_contexts=2, contexts_per_batch=1, seeds_per_context=1, progress=False)
    raise ValueError(f"unknown method {name!r}; choose from {METHODS}")


class TallyFilter(RecordFilter):
    "The driver's filter, also counting kept candidates and keeping the first raw text of each reject reason."
    def __init__(self, task, **kw):
        super().__init__(task, **kw); self.kept, self.examples = 0, {}
    def reason(self, rec) -> str:
        why = super().reason(rec)
        if why: self.examples.setdefault(why, str(rec.get("meta", {}).get("raw", rec))[:300])
        return why
    def add(self, rec):
        super().add(rec); self.kept += 1


class CellTimeout(Exception): pass


def _alarm(signum, frame): raise CellTimeout()


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime


def cell(lm, method_name, task_name, n, max_batches, seed, timeout) -> dict:
    "Run one cell → dict(kept, candidates, rejected, cpu_s, wall_s, error, examples)."
    task = get_task(task_name)
    n = n or len(task.label_names)
    filt, error = TallyFilter(task), ""
    t0, c0, load0 = time.time(), cpu_seconds(), os.getloadavg()[0]
    signal.signal(signal.SIGALRM, _alarm); signal.alarm(timeout)
    try:
        generate(tiny(method_name), task, lm, n=n, seed=seed, filt=filt, max_batches=max_batches, progress=False)
    except CellTimeout:
        error = f"stopped after the {timeout} s cell time limit (not a failure of the method; too slow on this machine)"
    except Exception as e:          # the table shows why a cell failed (the driver's RuntimeError names the reject reasons)
        error = f"{type(e).__name__}: {e}".splitlines()[0][:200]
    finally:
        signal.alarm(0)
    rejected = {k: v for k, v in filt.counts.items() if v}
    cands = filt.kept + sum(v for k, v in rejected.items() if k != "quota")
    return dict(task=task_name, method=method_name, n=n, kept=filt.kept, candidates=cands, rejected=rejected,
                cpu_s=round(cpu_seconds() - c0, 1), wall_s=round(time.time() - t0, 1), error=error, examples=filt.examples,
                load=[round(load0, 1), round(os.getloadavg()[0], 1)], finished=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def machine() -> str:
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
    bf16 = [f for f in ("amx_bf16", "avx512_bf16") if f" {f}" in flags] or ["no bf16 units"]
    return f"{model}, {os.cpu_count()} cores ({', '.join(bf16)}), torch {torch.__version__}, threads {torch.get_num_threads()}"


def atomic_json(path: Path, obj):
    tmp = path.with_suffix(path.suffix + ".tmp"); tmp.write_text(json.dumps(obj, indent=1)); os.replace(tmp, path)


def row(r: dict) -> str:
    share = f"{r['kept'] / r['candidates']:.0%}" if r["candidates"] else "–"
    rej = ", ".join(f"{k} {v}" for k, v in sorted(r["rejected"].items())) or "none"
    more = f" (≤ {r['max_batches']} batches)" if r.get("max_batches", DEFAULT_MAX_BATCHES) != DEFAULT_MAX_BATCHES else ""
    return (f"| {r['task']} | {r['method']} | {r['kept']} / {r['n']}{more} | {r['kept']} / {r['candidates']} | {share} | {rej} "
            f"| {r['cpu_s']:.0f} | {r['wall_s']:.0f} | {r['finished'][5:16].replace('T', ' ')} | {r['error']} |")


def table(state: dict, tasks: list, methods: list) -> str:
    s, cells = state["settings"], state["cells"]
    loads = [l for c in cells.values() for l in c["load"]]
    done = sum(f"{t}|{m}" in cells for t in tasks for m in methods)
    head = (f"Every method × every built-in task (`python bench/matrix.py`), {done} of {len(tasks) * len(methods)} cells run: "
            f"each cell runs the driver with the method's defaults at a tiny budget until n records pass the filters "
            f"(n = one per label), at most {DEFAULT_MAX_BATCHES} batches unless the cell says otherwise, seed {s['seed']}, {s['model']} ({s['dtype']}). "
            f"Kept share = kept / candidates that reached the filters (label quota overflow not counted). "
            f"Machine: {state['machine']}, **shared with other engineers' jobs** (load average {min(loads, default=0):.1f}–"
            f"{max(loads, default=0):.1f} on 2 cores during the runs, run under `nice`): CPU seconds are this process's "
            f"own, wall seconds depend on that load. The column *finished* gives each cell's date and time (UTC).")
    lines = ["| task | method | records | kept / candidates | kept share | rejected | CPU s | wall s | finished | error |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [row(cells[f"{t}|{m}"]) if f"{t}|{m}" in cells else f"| {t} | {m} | not run | | | | | | | not run yet (stopped for time) |"
              for t in tasks for m in methods]
    notes = [f"- **{t} × {m}**: {NOTES[t, m]}" for t in tasks for m in methods if (t, m) in NOTES and f"{t}|{m}" in cells]
    return head + "\n\n" + "\n".join(lines) + "\n" + ("\n" + "\n".join(notes) + "\n" if notes else "")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=None, help="records per cell (default: one per label)")
    p.add_argument("--max-batches", type=int, default=DEFAULT_MAX_BATCHES, help="a cell's budget (recorded per cell)")
    p.add_argument("--methods", nargs="+", default=METHODS)
    p.add_argument("--tasks", nargs="+", default=list_tasks()); p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cell-timeout", type=int, default=900, help="seconds; a slower cell is stopped and says so")
    p.add_argument("--rerun", action="store_true", help="redo cells already in the results JSON")
    p.add_argument("--out", default="bench/results/matrix.md")
    p.add_argument("--render", action="store_true", help="only rebuild the markdown table from the results JSON")
    o = p.parse_args()
    if o.render:
        state = json.loads(Path(o.out).with_suffix(".json").read_text())
        Path(o.out).write_text(table(state, o.tasks, o.methods)); print(Path(o.out).read_text()); return
    for m in o.methods: tiny(m)           # an unknown method fails here, before the model loads
    for t in o.tasks: get_task(t)
    lm = load_lm()
    settings = dict(n=o.n, default_max_batches=DEFAULT_MAX_BATCHES, seed=o.seed, model=lm.name, dtype=str(lm.dtype).removeprefix("torch."))
    out, js = Path(o.out), Path(o.out).with_suffix(".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    state = json.loads(js.read_text()) if js.is_file() else None
    if state is None or state["settings"] != settings:
        if state is not None: print(f"{js}: other settings {state['settings']}; starting afresh with {settings}")
        state = dict(settings=settings, machine=machine(), started=datetime.now(timezone.utc).isoformat(timespec="seconds"), cells={})
    todo = [(t, m) for t in o.tasks for m in o.methods if o.rerun or f"{t}|{m}" not in state["cells"]]
    print(f"{len(todo)} cells to run ({len(o.tasks) * len(o.methods) - len(todo)} already in {js})", flush=True)
    for i, (t, m) in enumerate(todo, 1):
        print(f"[{datetime.now(timezone.utc):%H:%M:%S}] {i}/{len(todo)} {t} × {m} …", flush=True)
        r = cell(lm, m, t, o.n, o.max_batches, o.seed, o.cell_timeout) | dict(max_batches=o.max_batches)
        state["cells"][f"{t}|{m}"] = r
        atomic_json(js, state)
        out.write_text(table(state, o.tasks, o.methods))
        print(row(r), flush=True)
        for why, raw in r["examples"].items(): print(f"    {why}: {raw!r}", flush=True)
    print("\n" + table(state, o.tasks, o.methods))


if __name__ == "__main__": main()
