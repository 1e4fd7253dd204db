"""Issue 29, item 8: `synthlab evaluate` warns when the test set overlaps the training file, and refuses the split the
card's shots come from (`train`), as `synthlab export --evaluate` does (one function: `check_test_split`)."""
import json
import pytest

from synthlab.cli import main
from synthlab.data import load_split


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps({"text": r["text"], "label": r["label"]}) + "\n" for r in rows))
    return path


def test_shots_split_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    import synthlab.student as st
    monkeypatch.setattr(st, "train_student", lambda *a, **k: pytest.fail("a student was trained"))
    train = write_jsonl(tmp_path/"t.jsonl", load_split("sst2", "validation", n=4, seed=0).to_list())
    with pytest.raises(SystemExit) as e: main(["evaluate", "--train", str(train), "--test", "sst2:train", "--seeds", "0"])
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2 and len(err) == 1
    assert err[0] == ("synthlab evaluate: error: evaluate 'sst2:train': the few-shot examples and the real references come from "
                      "sst2:train; score on another split (sst2:validation)")


def test_overlap_with_the_test_split_is_warned_with_count_and_fraction(tmp_path, capsys):
    val = load_split("sst2", "validation").to_list()
    rows = val[:30] + load_split("sst2", "train", n=30, seed=0).to_list()        # 30 validation rows inside the training file
    train = write_jsonl(tmp_path/"t.jsonl", rows)
    with pytest.warns(UserWarning) as w: main(["evaluate", "--train", str(train), "--test", "sst2:validation", "--seeds", "0"])
    overlap = [str(x.message) for x in w if "also in the training set" in str(x.message)]
    assert overlap == [f"30 of the {len(val)} test texts of sst2:validation ({30 / len(val):.1%}) are also in the training set: "
                       "their scores measure recall, not generalisation; remove them from the training file"]
