"""The free-text judge (`--judge text`, for backends without log-probs) with its question after the instance
(synthlab's `text_judge_conversation`) or before it (as the log-prob judge asks since session 44): accuracy on
train-split rows (`selection_set`, never evaluated), answers that name no label, accuracy on the card's shots (the trust
check), and seconds. Each layout runs twice per sample; the second run is reported. Prints a markdown table with the
machine. `python bench/text_judge_layout.py [N] [TASKS] [SAMPLES]`, e.g. `300 sst2 1` (the defaults)."""
import sys, time, warnings
from pathlib import Path
import numpy as np
import synthlab.targen as TG
from synthlab.judge import text_judge_conversation
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.studentdata import selection_set
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine


def question_before(task, rec: dict) -> list:
    "`text_judge_conversation` with the question and the labels first, the instance last."
    opts = "\n".join(f"- {l}: {v}" for l, v in task.labels.items())
    return [dict(role="system", content=task.description),
            dict(role="user", content=f"Which label fits the {task.instance} below?\n{opts}\n"
                 f"Answer with the label only: {' or '.join(task.labels)}.\n\n{task.format_example(rec)}")]


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    a = sys.argv[1:] + [None] * 3
    n, tasks, samples = int(a[0] or 300), (a[1] or "sst2").split(","), [int(x) for x in (a[2] or "1").split(",")]
    lm = load_lm(); print(machine(lm), "\n")
    print("| task | sample | question | accuracy | no label named | shots right | seconds | ms / record |\n"
          "|---|---|---|---|---|---|---|---|")
    layouts = {"after (synthlab's)": text_judge_conversation, "before": question_before}
    for t in tasks:
        task = get_task(t)
        for s in samples:
            rows = selection_set(task, n=n, seed=s); y = [r["label"] for r in rows]
            for rep in range(2):
                for name, conv in layouts.items():
                    TG.text_judge_conversation = conv           # what TarGEN's `_verdicts` calls
                    tg = TG.TarGEN(judge="text", progress=False)
                    t0 = time.perf_counter(); v = tg._verdicts(lm, task, rows); dt = time.perf_counter() - t0
                    shots = tg._verdicts(lm, task, task.shots)
                    if rep: print(f"| {t} | {s} | {name} | {np.mean([g == l for (g, _), l in zip(v, y)]):.3f} | "
                                  f"{np.mean([g is None for g, _ in v]):.2f} | "
                                  f"{np.mean([g == r['label'] for (g, _), r in zip(shots, task.shots)]):.2f} | "
                                  f"{dt:.1f} | {1000 * dt / len(rows):.0f} |", flush=True)
    TG.text_judge_conversation = text_judge_conversation
