"`synthlab export` end to end on a tiny real CorrSynth run (SST-2, 4 records, the embedded model), shared by every test here."
import json, re
from pathlib import Path

import pytest
import yaml

from synthlab.cli import main
from synthlab.records import read_records

@pytest.fixture(scope="module")
def run(tmp_path_factory, lm):
    from synthlab.corrsynth import CorrSynth
    from synthlab.decode import SamplingConfig
    from synthlab.generate import generate
    path = tmp_path_factory.mktemp("run")/"sst2-corrsynth.jsonl"
    generate(CorrSynth(gamma=1.5, delta=0.5, sampling=SamplingConfig(max_new_tokens=16, stop=())), "sst2", lm, n=4, out=path, seed=0, progress=False)
    return path

@pytest.fixture(scope="module")
def export(run):
    out = run.parent/"export"
    main(["export", str(run), "--out", str(out), "--evaluate", "validation", "--seeds", "0", "--n-real", "64"])  # sst2's
    return out

def test_loads_with_the_right_features(run, export, tmp_path):
    from datasets import load_from_disk, load_dataset
    recs = read_records(run)
    arrow = load_from_disk(str(export/"arrow"))
    pq = load_dataset("parquet", data_files={"train": str(export/"data"/"train-*.parquet")}, cache_dir=str(tmp_path))
    assert list(arrow) == ["train"] and pq["train"].features == arrow["train"].features
    f = pq["train"].features
    assert f["label"].names == ["negative", "positive"] and f["text"].dtype == "string"
    assert [f["label"].int2str(y) for y in pq["train"]["label"]] == [r["label"] for r in recs]
    assert list(pq["train"]["text"]) == [r["text"] for r in recs]
    df = pq["train"].to_pandas()
    assert df["tokens"].dtype.name == "int64" and set(df["method"]) == {"corrsynth"}
    card = (export/"README.md").read_text()
    settings = json.loads(card.split("### Run settings")[1].split("```json")[1].split("```")[0])
    assert {"method", "model", "dtype", "params", "card"} <= set(settings)   # the run's settings: once, in the card
    assert [{**settings, **json.loads(m), "prompt": p} for m, p in zip(df["meta"], df["prompt"])] == [r["meta"] for r in recs]
    assert all(p == r["meta"]["prompt"] for p, r in zip(df["prompt"], recs)) and "prompt" not in json.loads(df["meta"][0])

def _student_row(card: str, name: str) -> list:
    line = next(l for l in card.splitlines() if l.startswith(f"| {name}"))
    return [c.strip() for c in line.strip("|").split("|")]

def test_card_shows_the_measured_student_score(run, export):
    from synthlab.student import evaluate_file
    card = (export/"README.md").read_text()
    row = _student_row(card, "synthetic (this dataset)")
    measured = evaluate_file(run, "sst2:validation", seeds=(0,), progress=False).iloc[0]
    assert row[1:] == ["linear", "4", str(measured["n_test"]), "0", measured["acc (mean ± std)"], measured["F1 (mean ± std)"]]
    assert _student_row(card, "real (n=4)") and _student_row(card, "few-shot pool")
    assert "on the real split `sst2:validation`" in card            # `--evaluate validation`: the records' task's split

def test_card_header_and_provenance(run, export):
    card = (export/"README.md").read_text()
    header = yaml.safe_load(card.split("---")[1])
    assert header["task_categories"] == ["text-classification"] and header["size_categories"] == ["n<1K"]
    assert header["configs"][0]["data_files"] == [{"split": "train", "path": "data/train-*.parquet"}]
    summary = json.loads(Path(f"{run}.summary.json").read_text())
    meta = read_records(run)[0]["meta"]
    assert f"| generator model | {meta['model']} |" in card and f"{meta['dtype']} / {meta['device']}" in card
    assert "`gamma` | `1.5`" in card and "`delta` | `0.5`" in card and meta["prompt_hash"] in card
    assert f"| generated tokens | {summary['generated_tokens']} |" in card and f"| row passes | {summary['row_passes']} |" in card
    for metric in ("self-BLEU", "distinct-2", "within-label cosine", "MMD² to real", "label fidelity"): assert f"| {metric}" in card
    for png in ("label_cosine.png", "projection.png"):
        assert f"]({png})" in card and (export/png).read_bytes()[:4] == b"\x89PNG"

def test_failed_export_leaves_the_previous_one(run, export, capsys):
    before = (export/"README.md").read_text()
    for ref in ("sst2:train", "train"):
        with pytest.raises(SystemExit) as e: main(["export", str(run), "--out", str(export), "--evaluate", ref])
        assert e.value.code == 2 and "another split" in capsys.readouterr().err
    assert (export/"README.md").read_text() == before
    assert not [p for p in export.parent.iterdir() if p.name.startswith(".")]

def test_push_to_hub_fails_fast_offline(run, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(SystemExit) as e: main(["export", str(run), "--out", str(tmp_path/"x"), "--push-to-hub", "me/sst2-synthetic"])
    err = capsys.readouterr().err.strip()
    assert e.value.code == 2 and len(err.splitlines()) == 1 and "HF_HUB_OFFLINE" in err
    assert not (tmp_path/"x").exists()
