"""Docs site: built offline (tools/build_docs.py), served on 127.0.0.1 and opened in headless Chromium over the DevTools protocol.

The browser opens two pages, so the test builds those two the same way as the full site (`--pages`: same staging, theme,
MathJax, search; ~1/15 of a full build's CPU); that the full site holds every notebook is checked on its staged sources."""
import functools, http.server, json, re, shutil, subprocess, sys, tempfile, threading, time, urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
import websocket   # websocket-client

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["index.ipynb", "04_corrsynth.ipynb"]   # the pages the browser opens below
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOCAL = {"127.0.0.1"}

sys.path.insert(0, str(ROOT/"tools"))
import build_docs

@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    "A fresh build of `PAGES` (and the API page)."
    site = tmp_path_factory.mktemp("docs")/"site"
    subprocess.run([sys.executable, str(ROOT/"tools"/"build_docs.py"), "--pages", *PAGES, "--site", str(site)], check=True, cwd=ROOT)
    return site

@pytest.fixture(scope="module")
def site(site_dir):
    "The build served on 127.0.0.1."
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(site_dir))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()

def test_full_site_stages_every_notebook(tmp_path):
    "The full build's sources: every notebook and tutorial cleaned into a page, all in the nav, and the API page."
    import yaml
    build_docs.stage(tmp_path/"src", tmp_path/"site")
    names = [n for _, n in build_docs.notebooks()]
    assert len(names) > 20 and "index.ipynb" in names and any(n.startswith("tutorial-") for n in names)
    assert [n for n in names if n.startswith("lesson-")] == [f"lesson-{p.name}" for p in sorted((ROOT/"nbs"/"lessons").glob("[0-9]*.ipynb"))]
    guide = [f"docs/{p.name}" for p in sorted((ROOT/"docs").glob("*.md"))]
    assert {"docs/results.md", "docs/benchmarks.md", "docs/files.md"} <= set(guide)
    staged = sorted(p.relative_to(tmp_path/"src").as_posix() for p in (tmp_path/"src").rglob("*") if p.is_file())
    assert staged == sorted([*names, *guide, "api.md", "lessons.md"])
    nav = yaml.safe_load((tmp_path/"mkdocs.yml").read_text())["nav"]
    listed = [v for item in nav for v in item.values()]
    assert sorted(n for v in listed for n in (v if isinstance(v, list) else [v])) == sorted([*names, *guide, "api.md", "lessons.md"])
    bench = (tmp_path/"src"/"docs"/"benchmarks.md").read_text()      # the included tables, one section per bench/results file
    assert all(f"### {f.stem}" in bench for f in (ROOT/"bench"/"results").glob("*.md")) and "<!-- include" not in bench
    assert "| FewGen α=0.1 |" in (tmp_path/"src"/"docs"/"results.md").read_text()
    src = (tmp_path/"src").resolve()
    for page in ["index.ipynb", *guide]:   # every relative link of the README's page and the guide leads to a staged page
        for target in relative_links((src/page).read_text()):
            path = (src/page).parent.joinpath(target).resolve().relative_to(src).as_posix()
            assert {path, path.replace(".html", ".ipynb"), path.replace(".html", ".md")} & set(staged), (page, target)

def relative_links(text: str) -> list:
    "Targets of the markdown links in `text` that are relative (no scheme, no fragment-only link), without their fragment."
    return [t for t in re.findall(r"\]\(([^()\s#]+)(?:#[^()\s]*)?\)", text) if ":" not in t and not t.startswith("/")]

def test_readme_is_short_and_its_links_resolve():
    """README.md: what nbs/index.ipynb gives (tools/nb2readme.py), ≤ 10 KB, the two quick-start commands, the CI command; every
    link of it and of the docs pages (docs/*.md) names a file of the repository."""
    import nb2readme
    readme = (ROOT/"README.md").read_text()
    assert readme == nb2readme.readme(), "README.md is stale: run `make export` (tools/nb2readme.py)"
    assert len(readme.encode()) <= 10_000, len(readme.encode())
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^make \w+", quick.split("```sh", 1)[1].split("```", 1)[0], re.M) == ["make demo", "make test"]
    ci = [l for l in (ROOT/".ci"/"run").read_text().splitlines() if l.strip() and not l.startswith(("#", "set ", "cd "))]
    assert ci == ["make test"] and "`make test`" in readme          # the test command CI runs is the README's
    for page in [ROOT/"README.md", *sorted((ROOT/"docs").glob("*.md"))]:
        for target in relative_links(page.read_text()):
            assert (page.parent/target).exists(), f"{page.name} links to {target}, which does not exist"

def test_nb2readme_table_is_the_studys():
    "The README's one table: the study's SST-2 rows, the columns it names, the numbers as the study wrote them."
    import nb2readme
    table = nb2readme.study_table((ROOT/"nbs"/"tutorials"/"study"/"results.md").read_text(), ["CFG", "real-64"], ["kept", "seeds"])
    assert table.splitlines() == ["| set | kept | seeds |", "|---|---|---|", "| CFG | 1,000 | 3 |", "| real-64 | 64 | 3 |"]
    with pytest.raises(SystemExit, match="no \\['nonesuch'\\]"): nb2readme.study_table((ROOT/"nbs"/"tutorials"/"study"/"results.md").read_text(), ["nonesuch"])

class Browser:
    "Headless Chromium driven over the DevTools protocol; every event of the page is kept in `events`."
    def __init__(self):
        assert CHROMIUM, "chromium is not installed (`make test` installs it: apt-get install -y chromium)"
        self.tmp = tempfile.mkdtemp(prefix="synthlab-chromium-")
        self.proc = subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps", "--window-size=1280,1400",
            f"--user-data-dir={self.tmp}", "--remote-debugging-port=0", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.tmp)/"DevToolsActivePort"
        for _ in range(300):
            if port_file.is_file() and port_file.read_text().strip(): break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.n, self.events = 0, []
        for domain in ("Page", "Runtime", "Network", "Log"): self.send(f"{domain}.enable")

    def send(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps(dict(id=self.n, method=method, params=params)))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                assert "error" not in msg, msg["error"]
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method, timeout=60):
        t0 = time.time()
        while time.time() - t0 < timeout:
            msg = json.loads(self.ws.recv())
            self.events.append(msg)
            if msg.get("method") == method: return msg
        raise TimeoutError(method)

    def open(self, url):
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def js(self, expr):
        return self.send("Runtime.evaluate", expression=expr, returnByValue=True)["result"].get("value")

    def poll(self, expr, timeout=30):
        t0 = time.time()
        while time.time() - t0 < timeout:
            v = self.js(expr)
            if v: return v
            time.sleep(0.25)
        return self.js(expr)

    def screenshot(self, path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        import base64
        Path(path).write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))

    def close(self):
        try: self.ws.close()
        finally:
            self.proc.terminate(); self.proc.wait(10); shutil.rmtree(self.tmp, ignore_errors=True)

@pytest.fixture(scope="module")
def browser():
    b = Browser(); yield b; b.close()

def requested_hosts(events) -> set:
    urls = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    return {urlparse(u).hostname for u in urls if urlparse(u).scheme in ("http", "https", "ws", "wss")}

def console_errors(events) -> list:
    out = [e["params"]["exceptionDetails"].get("text") for e in events if e.get("method") == "Runtime.exceptionThrown"]
    out += [" ".join(str(a.get("value", a.get("description"))) for a in e["params"]["args"]) for e in events
            if e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert")]
    out += [e["params"]["entry"]["text"] + " " + e["params"]["entry"].get("url", "") for e in events
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
    return out

def test_index_page(site, site_dir, browser):
    browser.open(f"{site}/index.html")
    test_title = browser.js("document.title")
    assert "synthlab" in test_title
    assert browser.js("[...document.querySelectorAll('nav a')].some(a => a.href.endsWith('04_corrsynth.html'))")
    browser.screenshot(site_dir/"screenshots"/"index.png")
    assert console_errors(browser.events) == []
    assert requested_hosts(browser.events) <= LOCAL, requested_hosts(browser.events)

def test_corrsynth_page_math_and_figure(site, site_dir, browser):
    browser.events.clear()
    browser.open(f"{site}/04_corrsynth.html")
    n_math = browser.poll("document.querySelectorAll('.MathJax, .MathJax_Display, mjx-container').length")
    assert n_math > 0, "no formula rendered by MathJax"
    assert browser.js("document.querySelectorAll('.MathJax_Error, merror').length") == 0
    assert browser.poll("[...document.images].filter(i => i.src.startsWith('data:image/png') && i.complete && i.naturalWidth > 100).length") > 0
    browser.js("(document.querySelector('.MathJax_Display') || document.querySelector('.MathJax')).scrollIntoView({block: 'center'})")
    time.sleep(0.3)
    browser.screenshot(site_dir/"screenshots"/"04_corrsynth.png")
    assert console_errors(browser.events) == []
    hosts = requested_hosts(browser.events)
    assert hosts == LOCAL, hosts        # the page and MathJax came from the local server, nothing from elsewhere
