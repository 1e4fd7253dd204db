"""synthlab against a real OpenAI-compatible server: `transformers serve` on 127.0.0.1, serving the embedded model.

One server for the module, started once. FewGen runs end to end through the CLI, TarGEN through the Python API; a server that is down, and
CorrSynth against a text-only server, fail at start-up with one line; a server that goes away in the middle of a run
loses nothing that was written, tears no line, and a rerun once it is back completes the file to exactly n. "Goes away"
is a `Gate`, a TCP relay in front of the server that closes its port and cuts the connections in flight, exactly what a
client sees of a killed server, without paying a second server start-up for the "restart".

The server runs on one thread (`OMP_NUM_THREADS=1`): it generates one request at a time, and under `pytest -n 2` the
other core is busy with the other worker, so a second thread only spins (measured: ~3× the CPU per token). Requests
are few and short: a TarGEN run costs one request per list, instance and judged record, and the text judge's trust
check one per few-shot example, so that run uses a card with one shot per label."""
import json, os, signal, socket, subprocess, sys, threading, time, urllib.request
from pathlib import Path

import pytest

from synthlab.lm import dequantised_dir
from synthlab.cli import main
from synthlab.records import read_records
from synthlab.task import Task, get_task, save_task_card
from synthlab.backend import load_backend
from synthlab.decode import SamplingConfig
from synthlab.generate import generate
from synthlab.targen import TarGEN

TRANSFORMERS = Path(sys.executable).parent / "transformers"


def free_port() -> int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def served_folder(root: Path) -> Path:
    """The embedded model's safetensors folder (made by `load_lm` on first use), with sampling on.

    `transformers serve` samples only when the model's generation config says `do_sample`; the embedded model's
    says nothing, so every request would be greedy (and every FewGen example a duplicate). We serve links to the
    same files with `do_sample: true` — an operator's choice, the client sends the same requests either way."""
    src, dst = dequantised_dir(), root / "smollm2-135m-sampling"
    dst.mkdir()
    for f in src.iterdir():
        if f.name != "generation_config.json": (dst / f.name).symlink_to(f)
    cfg = json.loads((src / "generation_config.json").read_text())
    (dst / "generation_config.json").write_text(json.dumps({**cfg, "do_sample": True}))
    return dst


class Server:
    "A `transformers serve` process on 127.0.0.1:`port` (restartable on the same port)."
    def __init__(self, folder: Path, port: int, root: Path):
        self.folder, self.port, self.root, self.proc = folder, port, root, None
        self.url, self.spec = f"http://127.0.0.1:{port}/v1", f"http://127.0.0.1:{port}/v1#{folder}"
        (root / "hf-cache").mkdir(exist_ok=True)   # `GET /v1/models` scans the hub cache and fails without one

    def start(self, wait: float = 180):
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(self.root / "hf-cache"), "OMP_NUM_THREADS": "1"}
        self.log = open(self.root / "server.log", "ab")
        self.proc = subprocess.Popen([str(TRANSFORMERS), "serve", str(self.folder), "--host", "127.0.0.1", "--port", str(self.port),
                                      "--device", "cpu", "--dtype", "float32"], stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        t0 = time.time()
        while time.time() - t0 < wait:
            if self.proc.poll() is not None: break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2): return self
            except OSError: time.sleep(0.5)
        self.stop()
        pytest.fail(f"transformers serve did not start: {(self.root / 'server.log').read_text()[-2000:]}")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL); self.proc.wait()
        self.proc = None


class Gate:
    "A TCP relay from 127.0.0.1:`port` to `server`: `close()` makes the server unreachable (refused, in-flight cut), `open()` again."
    def __init__(self, server: "Server"):
        self.target, self.port, self.sock, self.conns = server.port, free_port(), None, []
        self.url, self.spec = f"http://127.0.0.1:{self.port}/v1", f"http://127.0.0.1:{self.port}/v1#{server.folder}"

    def open(self):
        self.sock = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.sock,), daemon=True).start()
        return self

    def _accept(self, sock):
        while True:
            try: down, _ = sock.accept()
            except OSError: return                      # closed
            up = socket.create_connection(("127.0.0.1", self.target))
            self.conns += [down, up]
            for a, b in ((down, up), (up, down)): threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while (data := src.recv(65536)): dst.sendall(data)
        except OSError: pass
        for s in (src, dst):
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass

    def close(self):
        self.sock.close()
        for c in self.conns:
            try: c.shutdown(socket.SHUT_RDWR); c.close()
            except OSError: pass
        self.conns = []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("server")
    before = os.environ.get("SYNTHLAB_HTTP_CONCURRENCY")
    os.environ["SYNTHLAB_HTTP_CONCURRENCY"] = "2"   # a CPU server runs requests side by side: more in flight only queue
    srv = Server(served_folder(root), free_port(), root).start()
    yield srv
    srv.stop()
    if before is None: os.environ.pop("SYNTHLAB_HTTP_CONCURRENCY")
    else: os.environ["SYNTHLAB_HTTP_CONCURRENCY"] = before


def generate_args(spec, out, *extra, n=4):
    return ["generate", "--task", "sst2", "--model", spec, "--out", str(out), "--n", str(n), "--max-new-tokens", "24", *extra]


def cli_error(argv, capsys) -> str:
    "The CLI's one error line for `argv` (exit status 2)."
    with pytest.raises(SystemExit) as e: main(argv)
    assert e.value.code == 2
    lines = [l for l in capsys.readouterr().err.splitlines() if l.startswith("synthlab generate: error:")]
    assert len(lines) == 1
    return lines[0]


def test_server_down(tmp_path, capsys):
    out = tmp_path / "down.jsonl"
    err = cli_error(generate_args(f"http://127.0.0.1:{free_port()}/v1#SmolLM2", out), capsys)
    assert "cannot reach the model server at http://127.0.0.1:" in err and "is it running?" in err
    assert not out.exists() or not out.read_text().strip()   # no record written


def test_corrsynth_refused(server, tmp_path, capsys):
    out = tmp_path / "corrsynth.jsonl"
    err = cli_error(generate_args(server.spec, out, "--method", "corrsynth"), capsys)
    assert f"corrsynth needs next-token log-probs over the whole vocabulary; {server.spec} serves text completion only" in err
    assert "--method fewgen/targen/synalign" in err
    assert not out.exists() or not out.read_text().strip()   # no record written


def two_shot_card(path: Path) -> Path:
    "SST-2 with one few-shot example per label: the text judge's trust check sends 2 requests instead of 12."
    sst2 = get_task("sst2")
    shots = [next(s for s in sst2.shots if s["label"] == y) for y in sst2.label_names]
    save_task_card(Task(**{**sst2.to_dict(), "shots": shots}), path)
    return path


def test_targen_end_to_end(server, tmp_path):
    """TarGEN's four steps against the server, through the Python API so that the list steps run at 40 tokens, not
    the default 96 (the CLI has no option for them; `--method targen` → `TarGEN.from_options` is tested in 05_targen,
    and the CLI → server path by the FewGen test below)."""
    lm = load_backend(server.spec)
    # instances at 48 tokens: at 24 most SST-2 sentences were cut, and the run took 2–4 batches (34–74 s) instead of 1–2
    tg = TarGEN(n_contexts=2, contexts_per_batch=1, seeds_per_context=1, progress=False,
                sampling=SamplingConfig(max_new_tokens=48), list_sampling=SamplingConfig(temperature=0.9, max_new_tokens=40, stop=("\n\n",)))
    with pytest.warns(UserWarning, match="cannot score continuations, so self-correction uses the text judge"):
        recs = generate(tg, get_task(str(two_shot_card(tmp_path / "sst2.yaml"))), lm, n=1, out=tmp_path / "targen.jsonl", seed=0, progress=False)
    assert len(recs) == 1 and recs[0]["label"] in ("negative", "positive") and read_records(tmp_path / "targen.jsonl") == list(recs)
    for r in recs:
        assert r["text"] and r["meta"]["params"]["judge"] == "text" and r["meta"]["server"] == server.url
        assert r["meta"]["judge"]["kind"] == "text" and r["meta"]["initial_label"] in ("negative", "positive")


def test_fewgen_server_gone_mid_run_resumes(server, tmp_path, capsys, monkeypatch):
    "FewGen end to end through the CLI; the server goes away after the first batch and is back for a rerun."
    out, n, gate = tmp_path / "fewgen.jsonl", 4, Gate(server).open()
    monkeypatch.setenv("SYNTHLAB_HTTP_RETRIES", "1")
    argv = generate_args(gate.spec, out, "--method", "fewgen", "--per-label", "1", n=n)
    exit_code = []
    def run():
        try: main(argv); exit_code.append(0)
        except SystemExit as e: exit_code.append(e.code)
    run = threading.Thread(target=run); run.start()
    t0 = time.time()
    while not (out.exists() and out.read_text().count("\n") >= 1) and run.is_alive() and time.time() - t0 < 240: time.sleep(0.05)
    assert run.is_alive(), f"the run ended before the server went away (exit {exit_code})"
    gate.close()                                              # mid-run: the next batch's requests find no server
    run.join(timeout=120)
    err = capsys.readouterr().err
    assert exit_code == [2] and "cannot reach the model server" in err.strip().splitlines()[-1]
    text = out.read_text()
    assert text.endswith("\n")                                # no torn line
    before = read_records(out)                                # every line parses
    assert 1 <= len(before) < n
    gate.open()
    main(argv)
    after = out.read_text().splitlines()
    lines = text.splitlines()
    assert len(read_records(out)) == n and after[:len(lines)] == lines   # nothing lost or rewritten; exactly n
    recs = read_records(out)
    assert sorted(r["label"] for r in recs) == ["negative", "negative", "positive", "positive"]
    for r in recs:
        assert r["text"] and r["meta"]["model"] == gate.spec
        assert (r["meta"]["server"], r["meta"]["served_model"], r["meta"]["api"]) == (gate.url, str(server.folder), "completions")
        assert r["meta"]["sampling"]["max_new_tokens"] == 24 and r["meta"]["sampling"]["stop"] == ["\n"]


# Issue 29, item 13: server details.
class FakeServer:
    "A local HTTP server whose every answer is `reply(path, body)` → (status, content type, bytes); records the JSON bodies."
    def __init__(self, reply):
        import http.server
        bodies = self.bodies = []
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self): self._answer(None)
            def do_POST(self): self._answer(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            def _answer(self, body):
                if body is not None: bodies.append(body)
                status, kind, data = reply(self.path, body)
                self.send_response(status); self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
            def log_message(self, *a): pass
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}/v1"

    def __enter__(self):
        threading.Thread(target=self.srv.serve_forever, daemon=True).start(); return self

    def __exit__(self, *exc): self.srv.shutdown(); self.srv.server_close()


def test_non_json_200_is_one_line_naming_the_url(tmp_path, capsys):
    "A web server that is not an OpenAI API (HTML with status 200): one line naming the URL and the reply's first bytes."
    with FakeServer(lambda path, body: (200, "text/html", b"<html><body>Welcome to nginx!</body></html>")) as srv:
        url = srv.url
        err = cli_error(generate_args(f"{url}#m", tmp_path/"o.jsonl"), capsys)
        assert f"{url}/models: the server answered status 200 with something that is not JSON: '<html><body>Welcome" in err
        assert "JSONDecodeError" not in err
        import warnings                                    # --tokenizer reaches the server backend: no plain-layout fallback
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            err = cli_error(generate_args(f"{url}#m", tmp_path/"o.jsonl", "--tokenizer", str(dequantised_dir())), capsys)
        assert "not JSON" in err and not [x for x in w if "no local tokenizer" in str(x.message)]


def test_min_p_sent_to_a_server_keeps_the_local_plausibility_set():
    """DESIGN.md: V = {w : P(w) ≥ α·max P} on the untempered distribution, as `plausibility_mask` applies it. A server
    applies `min_p` after temperature (transformers' warpers: temperature, then min-p), so the α^(1/T) we send keeps V."""
    import torch
    from transformers.generation.logits_process import MinPLogitsWarper, TemperatureLogitsWarper
    from synthlab.decode import plausibility_mask
    from synthlab.server import ServerLM
    lm = ServerLM("http://127.0.0.1:9/v1", "m", tokenizer=str(dequantised_dir()))
    logits = torch.randn(32, 500, generator=torch.Generator().manual_seed(0)) * 3
    for T in (0.3, 0.7, 1.0, 1.5):
        for alpha in (0.05, 0.1, 0.3):
            min_p = lm._body("x", SamplingConfig(temperature=T, alpha=alpha), None)["min_p"]
            server = torch.isfinite(MinPLogitsWarper(min_p)(None, TemperatureLogitsWarper(T)(None, logits)))
            local = plausibility_mask(logits.log_softmax(-1), alpha)
            assert (server != local).sum() <= 2, (T, alpha)      # equal up to float rounding at the threshold
            if T != 1:   # sending α itself (before) keeps another set
                naive = torch.isfinite(MinPLogitsWarper(alpha)(None, TemperatureLogitsWarper(T)(None, logits)))
                assert (naive != local).sum() > 10


def test_leading_stop_string_does_not_empty_the_reply(server):
    """The local loop checks stops after leading whitespace; a reply starting with the stop '\\n' must not come back empty.

    Greedy, so the served reply does not depend on the server's random state: `transformers serve` seeds its one global
    generator when a request arrives, so another client's request that arrives meanwhile changes a seeded reply (measured:
    4 seeded repeats in 4 equal on an idle server, 0 in 4 with a second client sending requests). That the retry keeps
    the seed is checked on a recording server below."""
    lm = load_backend(server.spec)
    prompt = "Shopping list\n1. Milk\n2. Eggs"                # the model goes on with a newline, then "3. …"
    raw = lm.complete([prompt], sampling=SamplingConfig(temperature=0, max_new_tokens=12, stop=())).texts[0]
    assert raw.startswith("\n") and "\n" in raw.strip(), raw   # the case under test: a leading stop, another one later
    cut = lm.complete([prompt], sampling=SamplingConfig(temperature=0, max_new_tokens=12, stop=("\n",)))
    assert cut.texts[0].strip() == raw.strip().split("\n")[0].strip() and cut.finish == ["stop"], (raw, cut.texts)


def test_a_reply_stopped_before_any_text_is_asked_again_with_the_same_seed():
    "The retry of a reply the server stopped at once is the same request (same seed) without `stop`, cut by the local rule."
    import torch
    from synthlab.server import ServerLM
    def reply(path, body):
        text = "\n" if body.get("stop") else "\n3. Bread\n4. Eggs"
        return 200, "application/json", json.dumps(dict(choices=[dict(text=text, finish_reason="stop")])).encode()
    with FakeServer(reply) as srv:
        lm = ServerLM(srv.url, "m", tokenizer=str(dequantised_dir()))
        out = lm.complete(["Shopping list"], sampling=SamplingConfig(max_new_tokens=12, stop=("\n",)),
                          generator=torch.Generator().manual_seed(0))
    first, again = srv.bodies
    assert first["stop"] == ["\n"] and isinstance(first["seed"], int)
    assert again == {k: v for k, v in first.items() if k != "stop"}
    assert out.texts == ["\n3. Bread"] and out.finish == ["stop"]


CTRL_C = """
import signal, sys, torch
signal.signal(signal.SIGINT, signal.default_int_handler)   # as in a terminal, whatever the shell that started the tests
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})   # left (see the test)
from synthlab.server import ServerLM
from synthlab.decode import SamplingConfig
lm = ServerLM(sys.argv[1], sys.argv[2], tokenizer=sys.argv[2], concurrency=2)
print("READY", flush=True)
try: lm.complete(["Tell me a very long story about a dragon."] * 2, sampling=SamplingConfig(max_new_tokens=300, stop=()),
                 generator=torch.Generator().manual_seed(0))
except KeyboardInterrupt: print("INTERRUPTED", flush=True); sys.exit(130)
print("FINISHED", flush=True)
"""


def test_ctrl_c_cancels_requests_in_flight_promptly(server, tmp_path):
    """Ctrl-C while two long requests are in flight: the process ends within seconds, not when the server finishes them.

    The child sets SIGINT's handler itself: a child inherits an ignored (or blocked) SIGINT, and `make test` run as a
    background job of a script (`make test > log &`) has SIGINT ignored in its whole process tree (POSIX, for jobs
    started without job control). Measured: such a child ran both requests to the end ("FINISHED"), in every try;
    the xdist workers themselves keep Python's handler."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    p = subprocess.Popen([sys.executable, "-c", CTRL_C, server.url, str(server.folder)], stdout=subprocess.PIPE, text=True,
                         env=env)
    assert p.stdout.readline().strip() == "READY"
    time.sleep(2)                                           # both requests are on the server now (300 tokens: ~10 s or more)
    t0 = time.monotonic(); p.send_signal(signal.SIGINT)
    line = p.stdout.readline().strip()                     # the interrupt reaches the caller (interpreter teardown not timed)
    waited = time.monotonic() - t0
    p.communicate(timeout=120)
    assert line == "INTERRUPTED" and p.returncode == 130, (line, p.returncode)
    assert waited < 3, f"Ctrl-C took {waited:.1f} s"


def test_fluency_needs_a_model_that_scores():
    "A server's model cannot score a continuation (`transformers serve` ignores `logprobs`): `fluency` refuses it by name."
    from synthlab.curate import curate
    from synthlab.server import ServerLM
    lm = ServerLM("http://127.0.0.1:9/v1", "m", tokenizer=str(dequantised_dir()))
    recs = [dict(text=t, label=y, meta=dict(prompt="Write a review.")) for t, y in
            [("a warm film .", "positive"), ("a fine film .", "positive"), ("a dull film .", "negative"), ("a bad film .", "negative")]]
    with pytest.raises(ValueError, match="fluency: .* cannot score continuations"): curate(recs, "sst2", 2, fluency=0.5, lm=lm)
