"""Issue 33, item 3: int8 weights and activations (`layout="int8"`, opt-in, float32 on a CPU) against the float32 model
they replace. Each weight is rounded to 255 steps per output channel and each token's activations to 255 steps, so the
numbers move (more than bf16 moves them: bench/results/fp32-s19.md); what must hold is that the next-token
distributions stay close to float32's, the judge still gets clear sentences right, the choice is labelled (layout,
repr) and never taken by `auto`, a seed still fixes the tokens, and a CPU whose int8 products are not exact (no VNNI:
oneDNN's int16 partial sums saturate) is refused."""
import os, platform, subprocess, sys
import pytest, torch
import synthlab.hardware
from synthlab.hardware import int8_matmul_exact
from synthlab.lm import load_lm, choose_layout
from synthlab.decode import SamplingConfig, decode
from synthlab.task import get_task
from synthlab.judge import label_scores

SYSTEM = dict(role="system", content="You write one-sentence movie reviews.")
ASKS = ["Write a positive movie review.", "Write a negative review of a long, slow war film in one sentence.", "Review a comedy."]
REPLY = " The film is a quiet triumph, warm and funny, with a cast that clearly loves the material."
INT8_TV = 0.3       # max total-variation distance, int8 vs float32, over the reply's next-token distributions
INT8_MEAN_TV = 0.12 # and its mean (measured on the EPYC of session 19: max 0.15, mean 0.077, top-1 agreement 0.87)
CLEAR_GAP = 0.1     # top-1 agreement is asked only where float32's top two tokens differ by this much probability: at
                    # near-ties the pick is a coin toss (all 60 positions: 0.78 on an Intel Xeon with AMX, session 31;
                    # at a gap of 0.1 or more, 36 of 60 positions there, 1.0)
CLEAR = [("a wonderful , moving film with superb acting and a beautiful story .", "positive"),
         ("the worst movie i have ever seen , a complete waste of time .", "negative")]


@pytest.fixture(scope="module")
def lm_int8():
    if not int8_matmul_exact(): pytest.skip("this CPU's int8 products are not exact: layout int8 is refused (tested below)")
    return load_lm(dtype="float32", layout="int8")


def teacher_forced(lm):
    "Next-token log-probs [tokens, rows, V] of REPLY after each prompt, the prompts prefilled together, then stepped."
    prefix, suffixes = lm.split_prefix([[SYSTEM, dict(role="user", content=a)] for a in ASKS])
    reply = lm.tokenizer.encode(REPLY, add_special_tokens=False)
    state, logp = lm.start(suffixes, prefix=prefix)
    out = [logp]
    for t in reply[:-1]: out.append(lm.step(state, torch.tensor([t] * len(ASKS))))
    return torch.stack(out)


def test_int8_is_asked_for_and_labelled(lm_int8, lm_fp32):
    assert lm_int8.layout == "int8" and "layout=int8 (requested)" in repr(lm_int8) and lm_int8.dtype == torch.float32
    assert choose_layout(lm_fp32.model)[0] != "int8"           # auto measures standard against transposed only
    with pytest.raises(ValueError, match="needs a float32 model"): load_lm(dtype="bfloat16", layout="int8")


def test_int8_next_token_distributions_track_float32(lm_int8, lm_fp32):
    a, b = teacher_forced(lm_fp32), teacher_forced(lm_int8)
    tv = 0.5 * (a.exp() - b.exp()).abs().sum(-1)
    print(f"int8 vs float32: max TV {tv.max():.3f}, mean {tv.mean():.3f}, top-1 agreement "
          f"{(a.argmax(-1) == b.argmax(-1)).float().mean():.3f}")
    assert not torch.equal(a, b)                                # really quantised
    assert tv.max().item() < INT8_TV and tv.mean().item() < INT8_MEAN_TV, tv
    top2 = a.exp().topk(2, -1).values
    clear = top2[..., 0] - top2[..., 1] >= CLEAR_GAP            # float32 prefers one token by a clear margin
    assert clear.sum().item() >= 20, clear.sum()
    assert (a.argmax(-1) == b.argmax(-1))[clear].float().mean().item() >= 0.95


def test_int8_judge_gets_clear_sentences_right(lm_int8):
    sst2 = get_task("sst2")
    S = label_scores(lm_int8, sst2, [{"text": t} for t, _ in CLEAR])
    assert [sst2.label_names[i] for i in S.argmax(1)] == [y for _, y in CLEAR], S


def test_int8_same_seed_same_tokens(lm_int8):
    prefix, suffixes = lm_int8.split_prefix([[SYSTEM, dict(role="user", content=a)] for a in ASKS])
    run = lambda: decode(lm_int8, suffixes, prefix=prefix, sampling=SamplingConfig(max_new_tokens=12),
                         generator=torch.Generator().manual_seed(3)).token_ids
    assert run() == run()


def test_int8_refused_where_int8_products_are_not_exact(lm_fp32, monkeypatch):
    monkeypatch.setattr(synthlab.hardware, "int8_matmul_exact", lambda: False)
    with pytest.raises(ValueError, match="not exact"): choose_layout(lm_fp32.model, "int8")


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="oneDNN's ISA switch is an x86 one")
def test_int8_probe_catches_the_saturating_kernels():
    "Forcing oneDNN's AVX2 int8 kernels (what a CPU without VNNI runs): the probe sees the saturated sums."
    env = {**os.environ, "ONEDNN_MAX_CPU_ISA": "AVX2"}
    out = subprocess.run([sys.executable, "-c", "from synthlab.hardware import int8_matmul_exact as e; print(e())"],
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out[-1] == "False", out


def test_int8_file_resumes_only_with_int8(lm_int8, lm_fp32, tmp_path):
    "int8 weights change the numbers as a dtype does: a file they began is not continued by float32 weights (nor back)."
    from synthlab.fewgen import FewGen
    from synthlab.generate import generate
    from synthlab.records import read_records
    sst2, out, plain = get_task("sst2"), tmp_path/"int8.jsonl", tmp_path/"fp32.jsonl"
    small = dict(per_label=1, sampling=SamplingConfig(max_new_tokens=16))   # room for a whole sentence: few batches
    generate(FewGen(**small), sst2, lm_int8, n=2, out=out, seed=0, progress=False)
    assert [r["meta"]["layout"] for r in read_records(out)] == ["int8", "int8"]
    with pytest.raises(ValueError, match=r"different layout='int8' \(this run: '(standard|transposed)'\)"):
        generate(FewGen(**small), sst2, lm_fp32, n=4, out=out, seed=0, progress=False)
    generate(FewGen(**small), sst2, lm_fp32, n=2, out=plain, seed=0, progress=False)
    with pytest.raises(ValueError, match=r"this run: 'int8'"):
        generate(FewGen(**small), sst2, lm_int8, n=4, out=plain, seed=0, progress=False)
    assert len(read_records(out)) == len(read_records(plain)) == 2       # nothing was appended to either
