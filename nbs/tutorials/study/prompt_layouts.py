"""Two other layouts of FewGen's prompt at the demo's scale (session 47): `python study/prompt_layouts.py ARM [GEN_DIR]
[TASK] [SEEDS]` from nbs/tutorials writes study/layout-{ARM}-demo-scale.csv (TASK: sst2, the default, else
…-demo-scale-{TASK}.csv; SEEDS: first,last+1, default 0,10).

FewGen shows its shots as a list in the system message, each under its label's tag line, and asks for a new example
in one user message (notebook 02c). Reading its replies finds them answering *as an assistant*: in ten 64-record
SST-2 runs, 141 of the 920 candidates (15 %) were rejected as boilerplate, and on a card of your own (the bank card
of tests/conftest.py) most kept replies are in the bank's voice instead of the customer's.
Two layouts that show the model what a reply looks like, each against FewGen's own (`list`) at the same seed:
- `turns`: each shot as an earlier exchange, the user asking for its label (`label_instruction`) and the assistant
  answering with the shot's text; then the request for the new example. The system message is the task description.
- `primed`: FewGen's prompt, with each reply started with its label's tag line (`label_head`), as CFG and CorrSynth
  start theirs (notebook 02c).
For each seed, each arm makes 64 records (`generate`, the machine's dtype, the task's length budget, in
GEN_DIR/TASK/{arm}/seed{s}/), `curate_file` keeps 32 by the shots' classifier, and the linear student (seed 0) is
scored as in demo_scale.py (`sel`: the selection set, train rows never scored; `ev`: the scored split).

The screen's rule, session 35's: a layout goes on to N = 1,000 only if, with the shots, it is ahead on the selection
set in the mean of ten seeds by more than its standard error on every task screened."""
import json, os, sys, time, warnings
from pathlib import Path
import pandas as pd

from synthlab.fewgen import FewGen
from synthlab.prompts import (fewshot_conversation, label_instruction, sample_shots, records_from_decode, reply_head,
                              label_head)
from synthlab.generate import generate, seqs_needed
from synthlab.curate import curate_file
from synthlab.lm import load_lm
from synthlab.studentdata import selection_set
from demo_scale import student_scores, scored_split, study_csv

def turns_conversation(task, shots: list, label: str) -> list:
    "The task description, each shot as an earlier request and answer, then the request for a new `label` example."
    conv = [dict(role="system", content=task.description)]
    for s in shots:
        conv += [dict(role="user", content=label_instruction(task, s["label"])),
                 dict(role="assistant", content=task.format_example(s))]
    return conv + [dict(role="user", content=label_instruction(task, label))]

class LayoutGen(FewGen):
    "FewGen with its prompt laid out as `layout`: 'turns' or 'primed' (see the module's docstring)."
    def __init__(self, layout: str, **kw): super().__init__(**kw); self.layout = layout
    def generate_batch(self, lm, task, rng, generator, batch, need):
        draws = [sample_shots(task, self.k_shots, rng, self._pool) for _ in range(self.shot_samples)]
        labels, convs = [], []
        for y in task.label_names:
            for j in range(seqs_needed(need.get(y, self.per_label), self.per_label)):
                shots = draws[j % len(draws)]
                labels.append(y)
                convs.append(turns_conversation(task, shots, y) if self.layout == "turns"
                             else fewshot_conversation(task, shots, label_instruction(task, y)))
        prefix, suffixes = lm.split_prefix(convs)
        sampling, head = self.task_sampling(task), reply_head(task)
        starts = [label_head(task, y) if self.layout == "primed" else head for y in labels]
        suffixes = [s + a for s, a in zip(suffixes, starts)]
        res = self.decode(lm, suffixes, prefix=prefix, sampling=sampling, generator=generator)
        return records_from_decode(task, labels, res, [prefix + s for s in suffixes], group=f"b{batch}", head=head,
                                   sampling=sampling.asdict())

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    arm = sys.argv[1]
    gen_dir = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/synthlab-layouts")
    task = sys.argv[3] if len(sys.argv) > 3 else "sst2"
    first, last = map(int, (sys.argv[4] if len(sys.argv) > 4 else "0,10").split(","))
    OUT = os.environ.get("LAYOUT_CSV")   # elsewhere than the study, e.g. to check a run
    lm, tests, rows = load_lm(), {"sel": selection_set(task), "ev": scored_split(task)}, []
    for s in range(first, last):
        for layout in ("list", arm):
            d = gen_dir/task/layout/f"seed{s}"; d.mkdir(parents=True, exist_ok=True)
            gen, t = d/"generation.jsonl", time.perf_counter()
            if not gen.exists():
                generate(FewGen() if layout == "list" else LayoutGen(layout), task, lm, n=64, seed=s, out=str(gen),
                         progress=False)
            summary = json.loads(Path(f"{gen}.summary.json").read_text())
            curate_file(gen, task, 32, d/"curated.jsonl", progress=False, overwrite=True)
            rows.append(dict(task=task, seed=s, arm=layout, seconds=round(time.perf_counter() - t, 1),
                             rejected=sum(summary["rejected"].values()), **student_scores(d/"curated.jsonl", tests)))
            print(rows[-1], flush=True)
            pd.DataFrame(rows).to_csv(OUT or study_csv(f"layout-{arm}-demo-scale", task), index=False)
