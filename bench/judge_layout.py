"""The log-prob judge's prompt with its question after the instance (synthlab's `judge_conversation`) or before it (then
shared by every record and prefilled once): accuracy of the calibrated judge on train-split rows (`selection_set`, never
evaluated), its accuracy on the card's shots (the trust check), and seconds, per task. Prints a markdown table with the
machine. `python bench/judge_layout.py [N] [TASK ...]` (default 300 rows of SST-2, AG News and TREC); each layout runs
twice, the second run is reported."""
import sys, time, warnings
from pathlib import Path
import numpy as np
import synthlab.judge as J
from synthlab.lm import load_lm
from synthlab.task import get_task
from synthlab.studentdata import selection_set
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine


def question_first(task, rec: dict) -> list:
    "`judge_conversation` with the question and the options before the instance."
    opts = "\n".join(f"- {v}" for v in task.labels.values())
    return [dict(role="system", content=task.description),
            dict(role="user", content=f"Which of these describes the {task.instance} below?\n{opts}\nAnswer with one of "
                 f"them.\n\n{task.format_example(rec)}")]


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 300
    lm = load_lm()
    print(machine(lm), "\n")
    print("| task | question | accuracy | shots right | seconds | ms / record | prompt tokens |\n|---|---|---|---|---|---|---|")
    layouts = {"after (today)": J.judge_conversation, "before": question_first}
    for t in args or ["sst2", "ag_news", "trec"]:
        task = get_task(t); rows = selection_set(task, n=n, seed=1)
        y = np.array([r["label"] for r in rows])
        for rep in range(2):
            for name, conv in layouts.items():
                J.judge_conversation = conv; J._MEMO.clear()
                t0 = time.perf_counter(); S = J.label_scores(lm, task, rows); dt = time.perf_counter() - t0
                acc = float(np.mean(np.array(task.label_names)[S.argmax(1)] == y))
                tok = np.mean([len(lm.tokenizer(lm.chat(conv(task, r)))["input_ids"]) for r in rows])
                if rep: print(f"| {t} | {name} | {acc:.3f} | {J.score_accuracy(lm, task):.2f} | {dt:.1f} | "
                              f"{1000 * dt / len(rows):.0f} | {tok:.0f} |", flush=True)
    J.judge_conversation = layouts["after (today)"]
