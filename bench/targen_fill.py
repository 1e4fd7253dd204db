"""TarGEN's step 3 at a commit (`--before`, default HEAD) against the working tree's, the two classes alternating in one
process (order flipped at each seed): seconds, batches and kept records of `generate` at the CLI's defaults with
`--batch-rows 64` (bench/throughput.py's runs), per task and seed. Prints a markdown table with the machine."""
import argparse, importlib.util, subprocess, sys, tempfile, time
from pathlib import Path
import synthlab.targen
from synthlab.generate import METHODS, generate
from synthlab.cli import make_parser, build_method
from synthlab.task import get_task
from synthlab.lm import load_lm, default_batch_rows
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine


def old_targen(rev: str):
    "The TarGEN class of `synthlab/targen.py` at `rev`, loaded beside today's (relative imports made absolute)."
    src = subprocess.run(["git", "show", f"{rev}:synthlab/targen.py"], capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp())/"targen_before.py"
    path.write_text(src.replace("from .", "from synthlab."))
    spec = importlib.util.spec_from_file_location("targen_before", path)
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod.TarGEN


def run(cls, lm, task: str, n: int, seed: int) -> dict:
    METHODS["targen"] = cls
    o = make_parser().parse_args(["generate", "--task", task, "--method", "targen", "--n", str(n), "--out", "-",
                                  "--batch-rows", str(default_batch_rows(lm.device))])
    t = time.perf_counter()
    res = generate(build_method("targen", o, get_task(task)), task, lm, n=n, seed=seed, progress=False)
    return dict(seconds=time.perf_counter() - t, batches=res.summary["batches"], kept=len(res),
                rows=res.summary.get("row_passes", 0))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", default="HEAD"); ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--tasks", nargs="+", default=["sst2", "ag_news"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    a = ap.parse_args()
    new, old = synthlab.targen.TarGEN, old_targen(a.before)
    lm = load_lm()
    print(machine(lm), "\n")
    print(f"| task | way | seconds ({', '.join(map(str, a.seeds))}) | batches | kept | row passes | mean s |")
    print("|---|---|---|---|---|---|---|")
    for task in a.tasks:
        got = {"before": [], "after": []}
        for i, seed in enumerate(a.seeds):
            for way in (["before", "after"] if i % 2 == 0 else ["after", "before"]):
                got[way].append(run(old if way == "before" else new, lm, task, a.n, seed))
        for way, rs in got.items():
            col = lambda k, f="{}": " / ".join(f.format(r[k]) for r in rs)
            print(f"| {task} | {way} | {col('seconds', '{:.1f}')} | {col('batches')} | {col('kept')} | {col('rows')} | "
                  f"{sum(r['seconds'] for r in rs) / len(rs):.1f} |", flush=True)
    METHODS["targen"] = new


if __name__ == "__main__": main()
