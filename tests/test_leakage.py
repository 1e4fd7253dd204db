"No few-shot example of a built-in card appears in a split that is evaluated on (normalised text, every field)."
import pytest
from synthlab.task import list_tasks, get_task
from synthlab.data import load_split
from synthlab.filters import normalise


def evaluated_splits(task) -> list:
    "Every split a student may be scored on: all but the training splits (names starting with 'train')."
    return [s for s in task.split_names if not s.startswith("train")]


def key(task, row) -> tuple:
    return tuple(normalise(str(row[f])) for f in task.fields)


@pytest.mark.parametrize("name", list_tasks())
def test_no_shot_in_an_evaluated_split(name):
    task = get_task(name)
    shots = {key(task, s): s for s in task.shots}
    assert evaluated_splits(task), f"{name}: no evaluated split"
    for split in evaluated_splits(task):
        ds = load_split(task, split)
        leaked = [shots[k] for k in (key(task, r) for r in ds) if k in shots]
        assert not leaked, f"{name}:{split} holds {len(leaked)} of the card's shots, e.g. {leaked[0]}"


def test_the_check_can_fail():
    "A shot copied from the test split is caught (the test above is not vacuous)."
    task = get_task("trec")
    row = load_split(task, "test")[0]
    task.shots = [*task.shots, {f: row[f] for f in task.fields} | {"label": row["label"]}]
    assert any(key(task, s) in {key(task, r) for r in load_split(task, "test")} for s in task.shots)


@pytest.mark.parametrize("name", list_tasks())
def test_no_evaluated_text_quoted_in_the_card(name):
    "The card's own prose (description, instructions, examples of style) quotes no text of a split that is evaluated on."
    task = get_task(name)
    prose = normalise(" ".join(str(v) for k, v in task.to_dict().items() if k != "shots"))
    for split in evaluated_splits(task):
        texts = {normalise(str(r[f])) for r in load_split(task, split) for f in task.fields}
        quoted = [t for t in texts if len(t) >= 20 and t in prose]
        assert not quoted, f"{name}:{split}: the card quotes {len(quoted)} of this split's texts, e.g. {quoted[0]!r}"
