"""The run file format (issue 31): a header of the run's settings, each prompt once, compact records. Read back it gives
the very record dicts (same keys, same order, same JSON) the old one-record-per-line writer wrote; old files still read;
a second writer is refused. A killed `synthlab generate` resuming to the records of an uninterrupted run, in this format,
is tests/test_shard.py's run-apart test (the suite's one SIGKILL of a CLI `generate`: this module's copy of it, a plain
run killed and resumed through the same `generate` and `RecordWriter`, was folded into that one)."""
import json
from pathlib import Path

import pytest

from synthlab.cli import main
from synthlab.records import RecordWriter, RunCodec, count_records, read_records, run_text

STUDY = Path(__file__).parent.parent/"nbs"/"tutorials"/"study"/"sst2"/"fewgen-a0.1"/"seed0"/"generation.jsonl"
SMALL = ["generate", "--task", "sst2", "--n", "4", "--seed", "3", "--k-shots", "1", "--per-label", "1", "--max-new-tokens", "12"]

def old_text(recs) -> str: return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)   # the old writer's lines
def dumps(recs) -> list: return [json.dumps(r, ensure_ascii=False) for r in recs]

def fake(i, prompt, **meta) -> dict:
    "A record shaped as `generate` makes it: run settings, per-record provenance, prompt and raw reply."
    return {"text": f"film {i} was fine", "label": "positive", "meta": {
        "method": "fewgen", "task": "sst2", "model": "smollm2-135m", "dtype": "float32", "threads": 1, "params": {"k_shots": 2},
        "seed": 3, **meta, "batch": i // 2, "index": i, "group": f"b{i // 2}", "prompt": prompt, "prompt_hash": f"h{len(prompt)}",
        "tokens": 7, "finish_reason": "eos", "raw": f"(film {i} was fine)", "sampling": {"top_p": 0.95, "stop": ["\n"]}}}

def test_old_file_reads_and_rewrites_to_the_same_records(tmp_path):
    recs = [fake(i, "Write a review." if i < 3 else "Write another review.") for i in range(6)]
    recs[4]["meta"]["trimmed"] = "an extra key in one record"
    old = tmp_path/"old.jsonl"; old.write_text(old_text(recs))
    assert read_records(old) == recs and count_records(old) == 6   # a file in the old format reads as it always did
    new = tmp_path/"new.jsonl"; new.write_text(run_text(read_records(old)))
    back = read_records(new)
    assert back == recs and dumps(back) == dumps(recs)   # same dicts, same key order, same JSON
    text = new.read_text()
    assert text.count('{"@run"') == 1 and text.count('{"@prompt"') == 2 and count_records(new) == 6
    assert '"params"' not in text.split("\n", 1)[1] and new.stat().st_size < old.stat().st_size * 0.7

@pytest.mark.skipif(not STUDY.is_file(), reason="the study's SST-2 FewGen records are not in this checkout")
def test_study_file_round_trips_small(tmp_path):
    recs = read_records(STUDY)   # the study's generated file (a run file now; the old format until issue 31)
    new = tmp_path/"g.jsonl"; new.write_text(run_text(recs))
    back = read_records(new)
    assert back == recs and dumps(back) == dumps(recs)
    assert new.stat().st_size / len(recs) <= 400, f"{new.stat().st_size / len(recs):.0f} B per record"

def _tracked(folder: Path) -> list:
    "The files git tracks under `folder` (what a fresh clone holds), or None outside a git checkout."
    import subprocess
    r = subprocess.run(["git", "ls-files", "-z", "--", "."], cwd=folder, capture_output=True)
    return None if r.returncode else [folder/f for f in r.stdout.decode().split("\0") if f]

def test_study_folder_is_small_with_no_copies_and_no_empty_files():
    """Issue 31's goal for the study's stored outputs (nbs/tutorials/study, as git holds it): at most 40 MB in all, no file
    byte-identical to another, none empty (the record sets a notebook rebuilds are not stored)."""
    import hashlib
    files = _tracked(STUDY.parents[3])   # nbs/tutorials/study
    if files is None: pytest.skip("not a git checkout")
    assert len(files) > 100   # the study's outputs are there
    assert sum(f.stat().st_size for f in files) <= 40e6, f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB"
    assert [f for f in files if f.stat().st_size == 0] == []
    seen = {}
    for f in files: seen.setdefault(hashlib.sha256(f.read_bytes()).digest(), []).append(f)
    assert [fs for fs in seen.values() if len(fs) > 1] == []

def test_changed_settings_get_a_new_header_and_resume_continues_the_file(tmp_path):
    out = tmp_path/"r.jsonl"
    first, moved = [fake(i, "P") for i in range(2)], [fake(i, "P") for i in range(2, 4)]
    for m in moved: m["meta"]["threads"] = 4
    with RecordWriter(out) as w: w.write_batch(first)
    with RecordWriter(out) as w:   # resumed: the header and prompt already there are not written again ...
        assert w.existing == first
        w.write_batch([fake(9, "P")])
    assert out.read_text().count('{"@run"') == 1 and out.read_text().count('{"@prompt"') == 1
    with RecordWriter(out) as w: w.write_batch(moved)   # ... a setting that changed gets a header from there on
    assert out.read_text().count('{"@run"') == 2
    assert dumps(read_records(out)) == dumps(first + [fake(9, "P")] + moved)

def test_records_of_one_header_do_not_share_its_nested_settings(tmp_path):
    "The header's `params` and `sampling` are one value for many records; each record read back gets its own copy."
    out = tmp_path/"s.jsonl"; out.write_text(run_text([fake(i, "P") for i in range(3)]))
    with RecordWriter(out) as w: resumed = list(w.existing)
    for recs in (read_records(out), resumed):
        recs[0]["meta"]["params"]["k_shots"] = 9; recs[0]["meta"]["sampling"]["stop"].append("x")
        assert [r["meta"]["params"]["k_shots"] for r in recs[1:]] == [2, 2]
        assert [r["meta"]["sampling"]["stop"] for r in recs[1:]] == [["\n"], ["\n"]]
    assert read_records(out) == [fake(i, "P") for i in range(3)]

def test_torn_run_lines_are_repaired(tmp_path):
    out = tmp_path/"t.jsonl"
    with RecordWriter(out) as w: w.write_batch([fake(0, "P")])
    good = out.read_bytes()
    for torn in (b'{"@prompt":"h2","te', run_text([fake(1, "Q")]).encode()[:-40]):   # a torn prompt line; a torn batch
        out.write_bytes(good + torn)
        with pytest.warns(UserWarning, match="dropped a torn last line"):
            with RecordWriter(out) as w:
                assert w.existing == [fake(0, "P")]
                w.write_batch([fake(1, "Q")])
        assert dumps(read_records(out)) == dumps([fake(0, "P"), fake(1, "Q")])

def test_a_record_the_compact_form_cannot_hold_is_written_whole(tmp_path):
    odd = [{"text": "x", "label": "positive", "@tag": 1}, {**fake(0, "P"), "meta": {**fake(0, "P")["meta"], "~raw": [1]}}]
    out = tmp_path/"o.jsonl"; out.write_text(run_text(odd))
    assert dumps(read_records(out)) == dumps(odd)

def test_a_second_writer_is_refused(tmp_path, capsys):
    out = tmp_path/"busy.jsonl"
    with RecordWriter(out):
        with pytest.raises(RuntimeError, match="already open in another RecordWriter"): RecordWriter(out)
        with pytest.raises(SystemExit) as e: main([*SMALL, "--out", str(out)])
        err = capsys.readouterr().err.strip().splitlines()
        assert e.value.code == 2 and len(err) == 1 and "already open" in err[0]

CANNED = ["a warm , funny film .", "the plot is a mess .", "sharp and moving work .", "dull from start to end .",
          "a fine cast at its best .", "two hours i want back .", "the best film of the year .", "flat jokes and no heart .",
          "a joy to watch twice .", "it never finds its tone ."]

def canned(texts: list, on_batch=lambda: None):
    "A method that returns `texts` two a batch (positive, then negative) without the model, calling `on_batch` first."
    from synthlab.generate import Method
    class Canned(Method):
        name, needs, k_shots = "canned", frozenset(), 0
        def generate_batch(self, lm, task, rng, generator, batch, need):
            on_batch()
            return [{"text": texts[2 * batch + j], "label": y, "meta": {"tokens": 5}}
                    for j, y in enumerate(("positive", "negative")) if 2 * batch + j < len(texts)]
    return Canned()

def test_resume_builds_no_record_and_rejects_the_same_duplicates(tmp_path, lm_each_dtype):
    """`generate` resuming a run file reaches its first new batch without building one record of the file, and its
    duplicate filter then holds what an uninterrupted run's holds: the same candidates are rejected, the same file (in each
    dtype: the header records it)."""
    from synthlab.filters import RecordFilter
    from synthlab.generate import generate, open_output
    from synthlab.task import get_task
    lm, seen = lm_each_dtype, []
    texts = [*CANNED[:6], "A warm, funny film!", CANNED[7], CANNED[6]]   # batch 3: a near copy of batch 0's first record
    m = canned(texts, lambda: writer is not None and seen.append(len(writer.existing.built))).fit("sst2", lm)
    writer, whole = None, tmp_path/"whole.jsonl"
    generate(m, "sst2", lm, 8, out=whole, seed=3, progress=False)       # uninterrupted
    cut = tmp_path/"cut.jsonl"
    generate(m, "sst2", lm, 6, out=cut, seed=3, progress=False)         # stopped after 6 records ...
    writer, filt = open_output(cut, m, "sst2", lm.name, 8, seed=3), RecordFilter(get_task("sst2"))
    res = generate(m, "sst2", lm, 8, out=writer, seed=3, progress=False, filt=filt)   # ... and resumed
    assert seen and seen[0] == 0                                         # the first new batch: no record built
    assert filt.counts["duplicate"] == 1 and res.summary["rejected"] == {"duplicate": 1}
    ref = RecordFilter(filt.task)
    for r in read_records(whole): ref.add(r)
    assert filt._kept == ref._kept                                        # the same near-dup index
    assert cut.read_bytes() == whole.read_bytes() and [r["text"] for r in res] == [r["text"] for r in read_records(whole)]

def test_a_resumed_file_without_its_summary_says_what_the_summary_leaves_out(tmp_path, lm):
    """A run killed before it wrote its summary leaves records that no summary covers; the run that resumes the file says
    how many (`unsummarised`) instead of passing its own counts off as the whole file's (session 37: a stopped AG News run)."""
    from synthlab.generate import generate
    m, out = canned(CANNED).fit("sst2", lm), tmp_path/"run.jsonl"
    generate(m, "sst2", lm, 4, out=out, seed=3, progress=False)
    Path(f"{out}.summary.json").unlink()                                   # as if killed before it was written
    res = generate(m, "sst2", lm, 8, out=out, seed=3, progress=False)
    saved = json.loads(Path(f"{out}.summary.json").read_text())
    assert res.summary["unsummarised"] == saved["unsummarised"] == 4 and saved["n"] == 8 and saved["batches"] == 2
    res = generate(m, "sst2", lm, 10, out=out, seed=3, progress=False)   # a later resume keeps the note
    assert res.summary["unsummarised"] == 4 and res.summary["batches"] == 3

def test_the_kernel_path_is_recorded_and_a_run_may_resume_under_another(tmp_path, lm):
    """Every record names the kernel path that computed it (`kernels`: torch's build, the processor, any cap on its
    instruction set), which the dtype, layout and threads do not (session 37's `ONEDNN_MAX_CPU_ISA` runs). It is recorded,
    not enforced: a file made under another path resumes, and the new records say theirs in a header of their own."""
    from synthlab.generate import generate
    from synthlab.hardware import kernel_path
    m, out = canned(CANNED).fit("sst2", lm), tmp_path/"run.jsonl"
    generate(m, "sst2", lm, 4, out=out, seed=3, progress=False)
    assert lm.kernels == kernel_path(lm.device)
    assert {r["meta"]["kernels"] for r in read_records(out)} == {lm.kernels}
    out.write_text(out.read_text().replace(json.dumps(lm.kernels), json.dumps("torch 0.0; another CPU"), 1))
    generate(m, "sst2", lm, 8, out=out, seed=3, progress=False)
    recs = read_records(out)
    assert [r["meta"]["kernels"] for r in recs] == ["torch 0.0; another CPU"] * 4 + [lm.kernels] * 4
    assert out.read_text().count('{"@run"') == 2
