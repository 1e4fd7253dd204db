"""Top-p / top-k with ties: synthlab keeps exactly what transformers' own warpers keep (issue 29, item 11).
bf16 logits tie often, so the random cases round logits to bfloat16 first.

`TopPLogitsWarper` ranks with `torch.sort`, which is stable on CPU up to 16 columns and not beyond (measured: torch
2.13, rows of 17+ equal values come back in another order). Its kept *multiset of scores* never depends on that order;
which of several tied tokens at the boundary it keeps does. synthlab's rule is the stable sort's (deterministic on every
device), so on wide rows we compare with the warper run under a stable sort, and with the plain warper by multiset."""
from contextlib import contextmanager
import pytest, torch
from transformers.generation.logits_process import TopKLogitsWarper, TopPLogitsWarper
from synthlab.decode import SamplingConfig, in_nucleus, next_token_distribution, sample_next, top_k_filter, top_p_filter


@contextmanager
def stable_torch_sort():
    "transformers' warpers with `torch.sort(..., stable=True)`: the rule their code states, on any width."
    sort = torch.sort
    torch.sort = lambda *a, **k: sort(*a, **{**k, "stable": True})
    try: yield
    finally: torch.sort = sort


def hf_keep(scores, top_p=1.0, top_k=0):
    "The tokens transformers' warpers (top-k, then top-p, as `generate()` orders them) leave finite."
    if top_k: scores = TopKLogitsWarper(top_k)(None, scores)
    if top_p < 1: scores = TopPLogitsWarper(top_p)(None, scores)
    return torch.isfinite(scores)


def kept_scores(scores, keep): return scores.masked_fill(~keep, -torch.inf).sort(-1).values


def every_token_in_nucleus(scores, p):
    "`in_nucleus` asked for every token of every row."
    probs, V = scores.softmax(-1), scores.shape[-1]
    return torch.stack([in_nucleus(probs, torch.full((len(scores),), j), p, scores) for j in range(V)], 1)


def test_hand_case_from_the_issue():
    s = torch.tensor([[0.4, 0.2, 0.2, 0.2]]).log()
    ref = TopPLogitsWarper(0.5)(None, s).softmax(-1)
    torch.testing.assert_close(top_p_filter(s, 0.5).softmax(-1), ref)              # (2/3, 0, 0, 1/3): one tied token kept
    torch.testing.assert_close(next_token_distribution(s, s, SamplingConfig(top_p=0.5)), ref)
    test = every_token_in_nucleus(s, 0.5)
    assert test.tolist() == [[True, False, False, True]] == hf_keep(s, 0.5).tolist()
    assert torch.isfinite(top_k_filter(s, 2)).tolist() == hf_keep(s, top_k=2).tolist() == [[True] * 4]


@pytest.mark.parametrize("probs", [(0.3, 0.3, 0.2, 0.1, 0.1), (0.25,) * 4, (0.1, 0.2, 0.2, 0.2, 0.3), (0.5, 0.1, 0.1, 0.1, 0.1, 0.1)])
@pytest.mark.parametrize("p", [0.3, 0.5, 0.65, 0.9])
def test_hand_ties_match_transformers(probs, p):
    s = torch.tensor([probs]).log()
    assert torch.isfinite(top_p_filter(s, p)).tolist() == hf_keep(s, p).tolist()
    assert every_token_in_nucleus(s, p).tolist() == hf_keep(s, p).tolist()
    for k in (1, 2, 3):
        assert torch.isfinite(top_k_filter(s, k)).tolist() == hf_keep(s, top_k=k).tolist()


def test_random_bf16_logits_match_transformers():
    g = torch.Generator().manual_seed(0)
    logits = (torch.randn(64, 300, generator=g) * torch.linspace(0.5, 6, 64)[:, None]).bfloat16().float()
    assert (logits[:, None] == logits[:, :, None]).sum() - logits.numel() > 2000   # plenty of ties (off the diagonal)
    straddled = 0
    for p in (0.3, 0.5, 0.8, 0.9, 0.95):
        with stable_torch_sort(): ref = hf_keep(logits, p)
        ours = torch.isfinite(top_p_filter(logits, p))
        assert torch.equal(ours, ref)
        assert torch.equal(every_token_in_nucleus(logits, p), ref)
        plain = hf_keep(logits, p)                               # transformers as shipped: same scores kept, same count
        assert torch.equal(kept_scores(logits, ours), kept_scores(logits, plain))
        straddled += int((ours != plain).any(-1).sum())
    assert straddled > 0          # the case exists: ties straddling the boundary, kept by id here, by sort order there
    for k in (1, 5, 40):
        assert torch.equal(torch.isfinite(top_k_filter(logits, k)), hf_keep(logits, top_k=k))


@pytest.mark.parametrize("cfg", [SamplingConfig(top_p=0.5), SamplingConfig(top_p=1.0, top_k=2), SamplingConfig(top_p=0.7, top_k=3),
                                 SamplingConfig(temperature=0.7, top_p=0.6, top_k=4)])
def test_sampler_draws_only_what_transformers_keeps(cfg):
    "The fast sampler's support == the warpers' support (ties in scores), and its frequencies follow their distribution."
    g = torch.Generator().manual_seed(1)
    s = torch.tensor([[0.2, 0.4, 0.2, 0.05, 0.1, 0.05], [0.3, 0.1, 0.1, 0.1, 0.3, 0.1]]).log()
    t = s / cfg.temperature
    ref = (TopPLogitsWarper(cfg.top_p)(None, TopKLogitsWarper(cfg.top_k)(None, t) if cfg.top_k else t)
           if cfg.top_p < 1 else TopKLogitsWarper(cfg.top_k)(None, t)).softmax(-1)
    n = 20000
    for r in range(2):
        x = sample_next(s[r:r+1].expand(n, -1), s[r:r+1].expand(n, -1), cfg, g)
        freq = torch.bincount(x, minlength=6) / n
        assert set(x.tolist()) == set(ref[r].nonzero()[:, 0].tolist())
        torch.testing.assert_close(freq, ref[r], atol=0.015, rtol=0)
