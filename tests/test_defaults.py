"""One place for the sizes a method leaves unset (`Method.fit`): the Python API at its defaults decodes with exactly the
parameters the command line builds, so it makes the same records (same seed, same parameters, same records: the decode
is deterministic given them; 02a checks the records themselves on a run)."""
import pytest
from synthlab.cli import make_parser
from synthlab.configure import build_method
from synthlab.task import get_task
from synthlab.fewgen import FewGen
from synthlab.corrsynth import CFG, CorrSynth
from synthlab.synalign import SynAlign
from synthlab.targen import TarGEN

API_DEFAULTS = dict(fewgen=FewGen, cfg=CFG, corrsynth=CorrSynth, synalign=SynAlign, targen=TarGEN)


@pytest.mark.parametrize("task_name", ["sst2", "ag_news", "trec"])
@pytest.mark.parametrize("method", list(API_DEFAULTS))
def test_api_defaults_are_the_cli_defaults(method, task_name):
    task = get_task(task_name)
    o = make_parser().parse_args(["generate", "--task", task_name, "--method", method, "--out", "x.jsonl"])
    cli = build_method(method, o, task)
    api = API_DEFAULTS[method]().fit(task)
    assert api.params() == cli.params()
    assert api.task_sampling(task) == cli.task_sampling(task)


def test_fit_fills_only_what_is_unset():
    sst2 = get_task("sst2")
    m = FewGen(per_label=3)
    fitted = m.fit(sst2, batch_rows=64)
    assert (fitted.per_label, m.per_label, m.sampling) == (3, 3, None)    # the user's value stays; the original is untouched
    assert fitted.sampling.max_new_tokens == FewGen().fit(sst2).sampling.max_new_tokens
    assert CorrSynth(m=2).fit(sst2, batch_rows=64).groups == 64 // (2 * 2)
