"""Run the lessons (nbs/lessons/*.ipynb) and print a table of the CPU seconds each one took: `make lessons`.

    python tools/run_lessons.py [--scale 1.0] [--save] [LESSON ...]

Each lesson runs in a fresh Python process (as in a student's new kernel: imports and model loading count), with
`SYNTHLAB_LESSON_SCALE` set to `--scale` (the lessons' one budget switch: 1.0 = full budget). `--save` writes each
lesson back with its outputs (what the docs site shows) and records its CPU time, the date and the CPU in
nbs/lessons/timings.json (the lessons' index page reads it)."""
import argparse, datetime, json, os, platform, resource, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT/"nbs"/"lessons"
TIMINGS = LESSONS/"timings.json"
LIMIT_CPU_S = 300   # the goal: each lesson ≤ 5 CPU-minutes at full budget

RUN_ONE = """
import sys
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
path, save = sys.argv[1], sys.argv[2] == "1"
nb = read_nb(path)
shell = CaptureShell(path=path)
shell.run_all(nb, exc_stop=True)
if save: write_nb(nb, path)
"""

def lessons(names=None) -> list:
    "The lesson notebooks, in order (all, or those whose file name or stem is in `names`)."
    found = sorted(p for p in LESSONS.glob("[0-9]*.ipynb"))
    if names: found = [p for p in found if any(p.name == n or p.name.startswith(n) for n in names)]
    return found

def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"): return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()

def run_lesson(path: Path, scale: float=1.0, save: bool=False, timeout: float=None) -> dict:
    "Run one lesson in a fresh process → dict(name, ok, cpu_s, wall_s, log)."
    env = {**os.environ, "SYNTHLAB_LESSON_SCALE": str(scale), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "MPLBACKEND": "agg", "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.time()
    r = subprocess.run([sys.executable, "-c", RUN_ONE, str(path), "1" if save else "0"], cwd=path.parent, env=env,
                       capture_output=True, text=True, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return dict(name=path.name, ok=r.returncode == 0, cpu_s=round(cpu, 1), wall_s=round(time.time() - t0, 1),
                log=(r.stdout + r.stderr)[-6000:])

def main(argv=None):
    p = argparse.ArgumentParser(description="Run the lessons and report CPU seconds per lesson.")
    p.add_argument("lessons", nargs="*", help="lesson file names or their beginnings, e.g. 01 (default: all)")
    p.add_argument("--scale", type=float, default=float(os.environ.get("SYNTHLAB_LESSON_SCALE", "1")),
                   help="budget scale (SYNTHLAB_LESSON_SCALE; default 1.0 = full budget)")
    p.add_argument("--save", action="store_true", help="write outputs into the notebooks and times into timings.json")
    o = p.parse_args(argv)
    todo = lessons(o.lessons)
    if not todo: sys.exit(f"run_lessons: no lesson matches {' '.join(o.lessons)} in {LESSONS}")
    print(f"{'lesson':<28} {'CPU s':>7} {'wall s':>7}  status   (scale {o.scale}, {os.cpu_count()} cores, {cpu_name()})")
    results, failed = [], []
    for path in todo:
        r = run_lesson(path, o.scale, o.save)
        r["load_1min"] = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None   # right after the lesson
        results.append(r)
        status = "ok" if r["ok"] else "FAILED"
        if r["ok"] and r["cpu_s"] > LIMIT_CPU_S and o.scale >= 1: status = f"ok, over {LIMIT_CPU_S} s"
        print(f"{r['name']:<28} {r['cpu_s']:>7.1f} {r['wall_s']:>7.1f}  {status}", flush=True)
        if not r["ok"]: failed.append(r)
    print(f"{'total':<28} {sum(r['cpu_s'] for r in results):>7.1f} {sum(r['wall_s'] for r in results):>7.1f}")
    if o.save and o.scale == 1.0:
        old = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
        for r in results:
            if r["ok"]: old[r["name"]] = dict(cpu_s=r["cpu_s"], wall_s=r["wall_s"], cores=os.cpu_count(), cpu=cpu_name(),
                                            date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                                            load_1min=r["load_1min"])
        TIMINGS.write_text(json.dumps(dict(sorted(old.items())), indent=1, ensure_ascii=False) + "\n")
    for r in failed: print(f"\n--- {r['name']} failed:\n{r['log']}", file=sys.stderr)
    sys.exit(1 if failed else 0)

if __name__ == "__main__": main()
