"""The log-prob judge's prompt with its question after the instance (the layout until session 44) or before it
(synthlab's `judge_conversation` since then: the question is shared by every record and prefilled once): accuracy of
the calibrated judge on train-split rows (`selection_set`, never evaluated), its accuracy on the card's shots (the trust
check), and seconds, per task. Prints a markdown table with the machine. `python bench/judge_layout.py [N] [TASK ...]
[--samples 1,2,3]` (default 300 rows of SST-2, AG News and TREC, sample seed 1); each layout runs twice per sample, the
second run is reported."""
import sys, time, warnings
from pathlib import Path
import numpy as np
import synthlab.judge as J
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.studentdata import selection_set
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine


def question_after(task, rec: dict) -> list:
    "`judge_conversation` as it was until session 44: the instance, then the question and the options."
    opts = "\n".join(f"- {v}" for v in task.labels.values())
    return [dict(role="system", content=task.description),
            dict(role="user", content=f"{task.format_example(rec)}\n\nWhich of these describes this {task.instance}?\n"
                 f"{opts}\nAnswer with one of them.")]


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    args = sys.argv[1:]
    samples = [1]
    if "--samples" in args:
        i = args.index("--samples"); samples = [int(x) for x in args[i + 1].split(",")]; del args[i:i + 2]
    n = int(args.pop(0)) if args and args[0].isdigit() else 300
    lm = load_lm()
    print(machine(lm), "\n")
    print("| task | sample | question | accuracy | shots right | seconds | ms / record | prompt tokens |\n"
          "|---|---|---|---|---|---|---|---|")
    layouts = {"after": question_after, "before (synthlab's)": J.judge_conversation}
    for t, sample in [(t, k) for t in args or ["sst2", "ag_news", "trec"] for k in samples]:
        task = get_task(t); rows = selection_set(task, n=n, seed=sample)
        y = np.array([r["label"] for r in rows])
        for rep in range(2):
            for name, conv in layouts.items():
                J.judge_conversation = conv; J._MEMO.clear()
                t0 = time.perf_counter(); S = J.label_scores(lm, task, rows); dt = time.perf_counter() - t0
                acc = float(np.mean(np.array(task.label_names)[S.argmax(1)] == y))
                tok = np.mean([len(lm.tokenizer(lm.chat(conv(task, r)))["input_ids"]) for r in rows])
                if rep: print(f"| {t} | {sample} | {name} | {acc:.3f} | {J.score_accuracy(lm, task):.2f} | {dt:.1f} | "
                              f"{1000 * dt / len(rows):.0f} | {tok:.0f} |", flush=True)
    J.judge_conversation = layouts["before (synthlab's)"]
