"""TarGEN's list budget (the new tokens a context list or a seed list may take, `list_sampling.max_new_tokens`, 96 by
default) against what it costs and what it yields. Two tables, each printed as markdown with the machine:

- `yield`: one 96-token decode of step 1's four context lists and of step 2's planned seed lists (64-row batch, every
  label needing 32) per seed, re-read as if cut at 80, 64 and 48 tokens. With the same generator the tokens of a
  shorter decode are the first tokens of this one, so the cut text is exactly what that budget would have returned.
  Per budget: items parsed, rows that hit the budget, rows that parsed into a usable list.
- `speed`: FewGen, then TarGEN at each budget, 64 kept records at the CLI's defaults (`--batch-rows` 64 on CPU), at
  each seed (`throughput.kept_per_minute`, caches warm).

`python bench/targen_list_budget.py yield [TASK] [SEEDS]` or `python bench/targen_list_budget.py speed [TASK]
[BUDGETS] [SEEDS]`, e.g. `speed sst2 96,64,48 0,1,2`."""
import os, random, sys, warnings
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from throughput import machine, against_fewgen
from synthlab.lm import load_lm
from synthlab.decode import SamplingConfig
from synthlab.lists import parse_list
from synthlab.targen import TarGEN, LIST_HEAD, context_conversation, seed_conversation
from synthlab.task import get_task

CUTS = (96, 80, 64, 48)


def list_sampling(budget: int) -> SamplingConfig:
    "TarGEN's default list sampling at another budget."
    return SamplingConfig(**{**vars(TarGEN().list_sampling), "max_new_tokens": budget})


def cut_yields(m, lm, convs: list, kind: str, n: int, g) -> dict:
    "One decode of `convs` (lists of `n` items) read at each of `CUTS`: budget → (items, rows cut, usable rows)."
    prefix, suffixes = lm.split_prefix(convs)
    res = m.decode(lm, [s + LIST_HEAD for s in suffixes], prefix=prefix, generator=g,
                   sampling=SamplingConfig(**{**vars(list_sampling(max(CUTS))), "stop": ("\n\n", f"\n{n + 1}.")}))
    least, out = (2 if kind == "phrase" else 1), {}
    for cut in CUTS:
        lists, hit = [], 0
        for ids, fin, text in zip(res.token_ids, res.finish, res.texts):
            if len(ids) > cut or (len(ids) == cut and fin == "length"):
                hit += 1; text, fin = lm.tokenizer.decode(ids[:cut], skip_special_tokens=True), "length"
            lists.append(parse_list(LIST_HEAD + text, kind, max_items=n, truncated=fin == "length"))
        out[cut] = (sum(map(len, lists)), hit, sum(len(x) >= least for x in lists))
    return out


def yields(lm, task, seeds: list):
    m = TarGEN(progress=False).fit(task, batch_rows=64)
    print("| seed | step | lists | " + " | ".join(f"≤ {c}: items, rows cut, usable" for c in CUTS) + " |")
    print("|---|---|---|" + "---|" * len(CUTS))
    for s in seeds:
        ctx = m.contexts(lm, task, torch.Generator().manual_seed(s))
        asked = m.seed_plan(random.Random(s).sample(ctx, min(m.contexts_per_batch, len(ctx))),
                            {y: 32 for y in task.label_names}, 64)[0]
        g = torch.Generator().manual_seed(s)
        for step, convs, kind, n in (("1: contexts", [context_conversation(task, m.n_contexts)] * m.context_lists,
                                      "phrase", m.n_contexts),
                                     ("2: seeds", [seed_conversation(task, c, m.seeds_per_context) for c in asked],
                                      "sentence", m.seeds_per_context)):
            y = cut_yields(m, lm, convs, kind, n, g)
            print(f"| {s} | {step} | {len(convs)} | " + " | ".join(", ".join(map(str, y[c])) for c in CUTS) + " |",
                  flush=True)


def speeds(lm, task, budgets: list, seeds: list):
    against_fewgen(lm, task, "targen", {f"TarGEN, lists ≤ {b}": dict(list_sampling=list_sampling(b)) for b in budgets},
                   seeds)


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    a = sys.argv[1:]
    if not a or a[0] not in ("yield", "speed"): sys.exit(__doc__)
    task = get_task(a[1] if len(a) > 1 else "sst2")
    lm = load_lm(); print(machine(lm), "\n")
    if a[0] == "yield": yields(lm, task, [int(x) for x in (a[2] if len(a) > 2 else "0,1,2,3,4").split(",")])
    else: speeds(lm, task.name, [int(x) for x in (a[2] if len(a) > 2 else "96,64,48").split(",")],
                 [int(x) for x in (a[3] if len(a) > 3 else "0,1,2").split(",")])
