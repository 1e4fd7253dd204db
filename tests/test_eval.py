"Integration tests for synthlab.embed / metrics / student that are awkward in a notebook."
import os, subprocess, sys, json
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
import numpy as np, pytest, torch
from synthlab.embed import Embedder, default_embedder_path, embed_texts
from synthlab.metrics import mmd2, median_bandwidth, intrinsic_report
from synthlab.data import load_split
from synthlab.student import train_student, evaluate_file, compare

TEXTS = ["a moving, beautifully acted film .", "flat , lifeless and dull .", "what a mess ."]

def test_cache_is_shared_across_processes(tmp_path):
    "Vectors written by this process are read by another without loading the model (the reader never imports sentence-transformers)."
    E = Embedder(cache=tmp_path).encode(TEXTS)
    code = ("import sys, json; from synthlab.embed import Embedder; e = Embedder(cache=sys.argv[1]); E = e.encode(json.loads(sys.argv[2])); "
            "print(json.dumps([e.n_model_calls, e.n_encoded, e._model is None, 'sentence_transformers' in sys.modules, E.tolist()]))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path), json.dumps(TEXTS)], capture_output=True, text=True, check=True,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    calls, encoded, unloaded, imported, got = json.loads(out.stdout.strip().splitlines()[-1])
    assert (calls, encoded, unloaded, imported) == (0, 0, True, False)
    np.testing.assert_allclose(np.array(got, np.float32), E, atol=0)                # the same floats, read back
    np.testing.assert_allclose(E, Embedder(cache=False).encode(TEXTS), atol=1e-5)

def test_other_sentence_transformers_folder_has_its_own_keys(tmp_path):
    "A model given by folder path is keyed by that path, so its vectors never mix with the default model's."
    a, b = Embedder(cache=tmp_path), Embedder(default_embedder_path(), cache=tmp_path)
    assert a.model_id != b.model_id and a.cache.path != b.cache.path
    np.testing.assert_allclose(a.encode(TEXTS[:1]), b.encode(TEXTS[:1]), atol=1e-5)
    assert b.n_encoded == 1

def test_mmd_float32_torch_matches_numpy():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(50, 8)).astype(np.float32), (rng.normal(size=(60, 8)) + 0.3).astype(np.float32)
    bw = median_bandwidth(X, Y)
    np.testing.assert_allclose(mmd2(torch.tensor(X), torch.tensor(Y), bw).item(), mmd2(X, Y, bw), rtol=1e-4)

def test_intrinsic_report_pair_task():
    "Pair tasks work end to end (texts are 'Premise: …\\nHypothesis: …')."
    syn = load_split("rte", "validation", n=24, seed=0).to_list()
    rep = intrinsic_report(syn, "rte", n_real=48, n_hyp=12, n_ref=12)   # reference: a seeded 48 of rte:train (not all 2,490)
    assert rep["n"] == 24 and 0 <= rep["self_bleu"] <= 1 and 0 <= rep["label_fidelity"] <= 1

def test_hf_sequence_classification_path_offline(tmp_path):
    "Any HF encoder id or folder goes through AutoModelForSequenceClassification; a local folder exercises it offline."
    tr = load_split("sst2", "train", n=32, seed=0)
    te = load_split("sst2", "validation", n=16, seed=0)
    r = train_student(tr, te, "sst2", str(default_embedder_path()), seeds=(0,), epochs=1, progress=False)
    assert r.scores.shape[0] == 1 and r.n_train == 32 and r.n_test == 16
    assert r.dynamics[0]["gold_prob"].shape == (32, 1)

def test_unknown_student_is_a_clear_error():
    with pytest.raises(OSError, match="cannot load student encoder 'no-such-org/no-such-encoder'"):
        train_student(load_split("sst2", "train", n=16, seed=0), "sst2:validation", student="no-such-org/no-such-encoder",
                      seeds=(0,), progress=False)

def test_evaluate_file_infers_task_from_meta(tmp_path):
    "TREC: its test split is the one test_compare_linear_multiclass embeds (one cache for both), not SST-2's 872 more texts."
    recs = load_split("trec", "train", n=60, seed=3).to_list()            # trained on train, scored on test: disjoint
    p = tmp_path / "gen.jsonl"
    p.write_text("".join(json.dumps({**r, "meta": {"task": "trec", "method": "test"}}) + "\n" for r in recs))
    df = evaluate_file(p, "test", seeds=(0,), progress=False)                # task from meta['task']
    assert df.iloc[0]["n_train"] == 60 and df.iloc[0]["test"] == "trec:test" and df.iloc[0]["n_test"] == 500
    with pytest.raises(ValueError, match="unknown split 'dev'"):
        evaluate_file(p, "trec:dev", progress=False)

def test_compare_linear_multiclass():
    "A 6-label task: same seeds for every row, reference rows included."
    tr = load_split("trec", "train", n=300, seed=0).to_list()
    df = compare({"trec300": tr}, "trec:test", seeds=(0, 1), progress=False, n_real=300)
    assert list(df.index) == ["trec300", "real (n=300)", "few-shot pool (n=30)"]
    assert (df["seeds"] == "0,1").all() and df.loc["trec300", "accuracy"] > 0.5
