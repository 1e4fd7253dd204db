"""Is bf16 why fresh runs gain less than the study's float32 rows? (session 39): `python study/dtype_logprob.py` from
nbs/tutorials writes study/dtype-logprob.csv.

The study's recipe rows start from float32 sets; sessions 35–38's fresh runs were made in bf16, which synthlab picks on
CPUs with bf16 units. If bf16 bent the model's next-token distribution, every bf16 run would sample from a different
model. For 300 real training texts per task (SST-2, TREC, AG News: `load_pool`, train split, never an evaluated split),
this reads the embedded model's next-token distribution at every position in float32 and in bf16, and writes per
task: tokens read, the mean log-prob per token of the real next token in each dtype, and the mean KL(float32 ‖ bf16)
and total variation between the two distributions per position."""
import warnings
import pandas as pd, torch
import torch.nn.functional as F

from synthlab.lm import load_lm
from synthlab.synalign import load_pool
from synthlab.task import get_task
from demo_scale import STUDY

def compare(models: dict, texts: list, batch: int = 16) -> dict:
    "Tokens, each dtype's mean log-prob of the real next token, and mean KL / total variation (float32 vs bf16)."
    tok, n, lp_sum, kl, tv = models["float32"].tokenizer, 0, {d: 0.0 for d in models}, 0.0, 0.0
    for i in range(0, len(texts), batch):
        enc = tok(texts[i:i + batch], return_tensors="pt", padding=True)
        keep = (enc["attention_mask"][:, 1:] & enc["attention_mask"][:, :-1]).bool()
        lp = {}
        for d, lm in models.items():
            with torch.inference_mode(): logits = lm.model(**enc).logits[:, :-1].float()
            lp[d] = F.log_softmax(logits, -1)[keep]
            lp_sum[d] += lp[d].gather(-1, enc["input_ids"][:, 1:][keep][:, None]).sum().item()
        p32 = lp["float32"].exp()
        kl += (p32 * (lp["float32"] - lp["bfloat16"])).sum(-1).sum().item()
        tv += 0.5 * (p32 - lp["bfloat16"].exp()).abs().sum(-1).sum().item()
        n += int(keep.sum())
    return {"tokens": n, **{f"logp_{d}": round(v / n, 4) for d, v in lp_sum.items()},
            "kl": round(kl / n, 5), "tv": round(tv / n, 4)}

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    models = {d: load_lm(dtype=d) for d in ("float32", "bfloat16")}
    rows = []
    for task in ("sst2", "trec", "ag_news"):
        t = get_task(task)
        texts = [r[t.fields[0]] for r in load_pool(t, "train", 300, seed=3, min_words=3)]
        rows.append({"task": task, "texts": len(texts), **compare(models, texts)}); print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(STUDY/"dtype-logprob.csv", index=False)
