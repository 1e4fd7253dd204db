"""Decoding invariants on the embedded model: batched rows == single rows (fp32 tight, bf16 within a stated
tolerance), finished rows leave the batch without changing any other row's tokens, no doubled BOS. (Greedy == transformers'
`generate()` is checked in 02_decode.)"""
import copy
import pytest, torch
from synthlab.lm import LM, load_lm, length_buckets
from synthlab.decode import SamplingConfig, decode
from synthlab.corrsynth import CFGCombiner

SYSTEM = dict(role="system", content="You write one-sentence movie reviews.")
ASKS = ["Write a positive movie review.", "Write a negative review of a long, slow war film in one sentence.", "Review a comedy."]
FP32_TOL = 1e-4    # max |Δ log-prob| over tokens with log-prob > -15, batched vs single row, float32
BF16_TV = 0.08     # bfloat16: total-variation distance between the next-token distributions, batched vs single
                   # (8-bit mantissas round differently with the batch layout; max |Δ log-prob| reaches ~0.4 in the tail)


@pytest.fixture
def lm(lm_fp32): return lm_fp32


def convs(): return [[SYSTEM, dict(role="user", content=a)] for a in ASKS]


def stepped_logprobs(lm, prefix, prompts, tokens):
    "Log-probs [steps+1, rows, V] when `prompts` are prefilled together and fed `tokens` [steps, rows]."
    state, logp = lm.start(prompts, prefix=prefix)
    out = [logp]
    for t in tokens: out.append(lm.step(state, t))
    return torch.stack(out)


def max_gap(a, b): return (a - b).abs()[b > -15].max().item()
def tv_distance(a, b): return 0.5 * (a.exp() - b.exp()).abs().sum(-1).max().item()


def check_batched_equals_single(lm, tol, gap=max_gap):
    prefix, suffixes = lm.split_prefix(convs())
    tokens = torch.tensor([[lm.tokenizer.encode(w)[0] for w in ("The", " film", " is", " a", " quiet", " triumph")]] * len(ASKS)).T
    batched = stepped_logprobs(lm, prefix, suffixes, tokens)
    gaps = [gap(batched[:, i], stepped_logprobs(lm, "", [prefix + s], tokens[:, i:i+1])[:, 0]) for i, s in enumerate(suffixes)]
    assert max(gaps) < tol, gaps
    return gaps


def test_fp32_batched_rows_match_single_rows(lm):
    check_batched_equals_single(lm, FP32_TOL)


def test_bf16_batched_rows_match_single_rows_within_tolerance(lm):
    bf = LM(copy.deepcopy(lm.model).to(torch.bfloat16), lm.tokenizer, "bf16 copy")
    gaps = check_batched_equals_single(bf, BF16_TV, tv_distance); print(gaps)
    assert max(gaps) > 0       # bf16 really differs from fp32 arithmetic: the tolerance is needed, and stated


def test_prefill_in_buckets_steps_like_one_padded_call(lm_each_dtype):
    "Rows of unlike lengths, prefilled in length buckets (a CPU's default) or in one padded call, then stepped alike."
    lm = lm_each_dtype
    plots = [[SYSTEM, dict(role="user", content="Review this plot: " + "a man walks his dog through the rain. " * k)]
             for k in (0, 1, 10, 12, 25)]
    prefix, suffixes = lm.split_prefix(plots)
    assert len(length_buckets([len(lm._encode(s, first=False)) for s in suffixes])) > 1    # the split path is taken
    tokens = torch.tensor([[lm.tokenizer.encode(w)[0] for w in ("The", " film", " is", " slow")]] * len(plots)).T
    def run(most):
        lm.prefill_buckets = most          # this instance only
        try: return stepped_logprobs(lm, prefix, suffixes, tokens)
        finally: del lm.prefill_buckets
    split, one = run(None), run(1)
    if lm.dtype == torch.float32: assert max_gap(split, one) < FP32_TOL
    else: assert tv_distance(split, one) < BF16_TV, tv_distance(split, one)


def test_finished_rows_leave_without_changing_others(lm):
    "Greedy, rows ending at different steps (stop at the first '.'): each row decodes as if alone."
    prefix, suffixes = lm.split_prefix(convs())
    cfg = SamplingConfig(temperature=0, max_new_tokens=16, stop=(".",))
    together = decode(lm, suffixes, prefix=prefix, sampling=cfg)
    alone = [decode(lm, [prefix + s], sampling=cfg) for s in suffixes]
    assert len({len(i) for i in together.token_ids}) > 1, "rows should finish at different steps"
    assert together.token_ids == [a.token_ids[0] for a in alone]
    assert together.texts == [a.texts[0] for a in alone]
    assert together.stats["computed_row_passes"] == together.stats["row_passes"]


def test_cfg_finished_rows_cost_nothing_and_seed_repeats(lm):
    prefix, suffixes = lm.split_prefix(convs()[:2] + [[SYSTEM, dict(role="user", content="Write a review.")]] * 2)
    cfg = SamplingConfig(max_new_tokens=20, stop=(" ",), alpha=0.1)
    run = lambda: decode(lm, suffixes, prefix=prefix, combiner=CFGCombiner(2, 1.5), sampling=cfg, generator=torch.Generator().manual_seed(5))
    a, b = run(), run()
    assert a.token_ids == b.token_ids and a.texts == b.texts
    assert a.stats["computed_row_passes"] == a.stats["row_passes"] == sum(2 * (1 + len(i) - (f != "eos")) for i, f in zip(a.token_ids, a.finish))


def test_chat_template_bos_not_doubled(lm):
    from transformers import AutoTokenizer
    bos_lm = LM(lm.model, AutoTokenizer.from_pretrained(lm.model.name_or_path, add_bos_token=True), "bos-adding")
    text, bos = bos_lm.chat(convs()[0]), bos_lm.tokenizer.bos_token_id
    assert text.startswith(bos_lm.tokenizer.bos_token)
    assert bos_lm.tokenizer(text)["input_ids"][:2] == [bos, bos]       # the naive encoding doubles it
    ids = bos_lm._encode(text, first=True)
    assert ids[0] == bos and ids[1] != bos
    state, _ = bos_lm.start([text])
    assert state.prompt_tokens == len(ids)


def test_shared_prefix_path_matches_copy_per_row(lm):
    "One copy of the prefix (cascade attention) vs a copy per row: same sampled tokens (seeded, rows leaving mid-way), log-probs within FP32_TOL."
    from synthlab.lm import prefix_attention_ready
    assert prefix_attention_ready(lm.model)
    prefix, suffixes = lm.split_prefix(convs() + convs()[:1])
    cfg = SamplingConfig(max_new_tokens=10, stop=(".", ","))
    def run(share):
        logps, lm.share_prefix_from = [], 0 if share else None
        try: r = decode(lm, suffixes, prefix=prefix, sampling=cfg, generator=torch.Generator().manual_seed(3),
                        trace=lambda t, full, scores, base, active: logps.append((full.clone(), active.clone())))
        finally: lm.share_prefix_from = LM.share_prefix_from
        return r, logps
    (fast, lf), (ref, lr) = run(True), run(False)
    assert len({len(i) for i in ref.token_ids}) > 1, "rows should leave at different steps"
    assert fast.token_ids == ref.token_ids and fast.texts == ref.texts
    for (a, act), (b, _) in zip(lf, lr): assert max_gap(a[act], b[act]) < FP32_TOL


def test_unverified_model_type_keeps_a_copy_per_row(lm):
    "A model type the prefix attention was not verified on (a tiny random GPT-2) takes the copy-per-row path, batched == single."
    from transformers import GPT2Config, GPT2LMHeadModel
    from synthlab.lm import prefix_attention_ready
    torch.manual_seed(0)
    gpt2 = GPT2LMHeadModel(GPT2Config(vocab_size=len(lm.tokenizer), n_positions=512, n_embd=64, n_layer=2, n_head=2)).eval()
    tiny = LM(gpt2, lm.tokenizer, "tiny-gpt2"); tiny.share_prefix_from = 0      # would share from the first row if it could
    assert not prefix_attention_ready(gpt2)
    prefix, suffixes = tiny.split_prefix(convs())
    assert tiny.start(suffixes, prefix=prefix)[0].shared_prefix == 0
    check_batched_equals_single(tiny, FP32_TOL)


def test_split_prefix_without_chat_template_keeps_the_whole_prompts_tokens(lm):
    "Issue 29, item 12: prefix and suffix tokenised apart give exactly the ids of the whole prompt (plain layout: no template)."
    plain = LM(lm.model, copy.deepcopy(lm.tokenizer), "no template"); plain.tokenizer.chat_template = None
    prefix, suffixes = plain.split_prefix(convs())
    assert prefix and all(s.startswith("\n\nUser:") for s in suffixes)
    for s, c in zip(suffixes, convs()):
        whole = plain.chat(c)
        assert prefix + s == whole
        assert plain._encode(prefix, True) + plain._encode(s, False) == plain._encode(whole, True)


# ---------------------------------------------------------------- stems (`LM.start(..., stems=True)`), both dtypes

def seed_rows(lm):
    "TarGEN-like rows: two seeds × three labels (adjacent rows share a ~40-token start), a repeat and a row alone."
    ask = lambda seed, y: (f"Setting: a rainy film festival in a small harbour town\nSeed: {seed}\n\nWrite one sentence "
                           f"from a review of the film shown there. The critic is clearly {y} about it.")
    seeds = ["the projector broke twice during the screening.", "the director answered questions for an hour."]
    conv = [[SYSTEM, dict(role="user", content=ask(s, y))] for s in seeds for y in ("positive", "negative", "neutral")]
    prefix, suffixes = lm.split_prefix(conv + convs()[:1])
    return prefix, suffixes[:6] + suffixes[:1] + suffixes[6:]


@pytest.mark.parametrize("share", [False, True])
def test_stems_match_the_one_pass_prefill(lm_each_dtype, share):
    """Stems prefilled once per run of rows vs the one-pass prefill: float32 log-probs within FP32_TOL at the start and
    after each step (a row leaving mid-way); bfloat16 within BF16_TV (other matmul shapes round otherwise). The stems
    were really cut: fewer prompt tokens computed."""
    from synthlab.lm import stem_groups
    lm = lm_each_dtype
    prefix, rows = seed_rows(lm)
    groups = stem_groups([lm._encode(p, first=False) for p in dict.fromkeys(rows)])
    assert [b - a for a, b, n in groups] == [3, 3, 1] and groups[0][2] >= 16 and groups[2][2] == 0, groups
    tokens = torch.tensor([[lm.tokenizer.encode(w)[0] for w in ("The", " film", " is", " a")]] * len(rows)).T
    def run(stems):
        lm.share_prefix_from = 0 if share else None
        try:
            state, logp = lm.start(rows, prefix=prefix, stems=stems); out, keep = [logp], list(range(len(rows)))
            for t, tok in enumerate(tokens):
                if t == 2: keep = [0, 2, 3, 5, 6, 7]; lm.keep(state, keep)
                out.append(lm.step(state, tok[keep]))
            return out, state.prompt_tokens, state.shared_prefix
        finally: lm.share_prefix_from = LM.share_prefix_from
    (two, t2, s2), (one, t1, s1) = run(True), run(False)
    assert t2 < t1 and s1 == s2 and (s1 > 0) == share, (t2, t1, s1, s2)
    fp32 = lm.dtype == torch.float32
    gaps = [(max_gap if fp32 else tv_distance)(a, b) for a, b in zip(two, one)]
    assert max(gaps) < (FP32_TOL if fp32 else BF16_TV), gaps


def test_stems_decode_seeded_records(lm_each_dtype):
    "A seeded decode with stems repeats exactly; in float32 it samples the same tokens as the one-pass prefill."
    lm = lm_each_dtype
    prefix, rows = seed_rows(lm)
    cfg = SamplingConfig(max_new_tokens=12, stop=(".",))
    run = lambda stems: decode(lm, rows, prefix=prefix, sampling=cfg, generator=torch.Generator().manual_seed(4), stems=stems)
    a, b = run(True), run(True)
    assert a.token_ids == b.token_ids and a.texts == b.texts
    assert a.stats["prompt_tokens"] < run(False).stats["prompt_tokens"]
    if lm.dtype == torch.float32: assert a.token_ids == run(False).token_ids
