"""Build the documentation site offline: the notebooks (nbdev directives stripped, hidden cells dropped), the lessons
(nbs/lessons, with their outputs; each lesson's `#| solution` cell shown collapsed) with an index page of their measured
CPU times, and an API page from the modules' docstrings → `_docs/site`, with mkdocs-material + mkdocs-jupyter and a local
MathJax.

    python tools/build_docs.py [--if-stale]
    python tools/build_docs.py --pages index.ipynb 04_corrsynth.ipynb --site DIR   # only these pages, into DIR

The pages in `docs/` (results, benchmarks, speed, files, development, the notebook table) join the site under `docs/`,
each `<!-- include: GLOB -->` line replaced by those files (the benchmark tables of bench/results, the study's tables).
Relative links between repository files (README/index → `docs/x.md`, `nbs/03_fewgen.ipynb`, …) are rewritten to the
pages they became, so one link works on GitHub and on the site.

A full build takes about a minute of CPU (nbconvert renders ~30 notebooks, the search plugin indexes them); `--pages` builds
the same way a few pages only (nav, theme, MathJax and search as in the full site), for a test that opens those pages.
"""
import ast, json, os, re, shutil, subprocess, sys, time
from html import escape
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT/"_docs"
SRC, SITE = DOCS/"src", DOCS/"site"
STAMP = SITE/".built"
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full"

LESSONS = ROOT/"nbs"/"lessons"
PAGES = ROOT/"docs"   # markdown pages: docs/NAME.md → the site's docs/NAME.html

def notebooks() -> list:
    "(source notebook, page file name): numbered notebooks, the index, tutorials as `tutorial-NAME.ipynb`, lessons as `lesson-NAME.ipynb`."
    nbs = ROOT/"nbs"
    main = sorted(p for p in nbs.glob("*.ipynb") if not p.name.startswith("_"))
    tuts = sorted(p for p in (nbs/"tutorials").glob("*.ipynb") if not p.name.startswith("_"))
    lessons = sorted(LESSONS.glob("[0-9]*.ipynb"))
    return [(p, p.name) for p in main] + [(p, f"tutorial-{p.name}") for p in tuts] + [(p, f"lesson-{p.name}") for p in lessons]

def md_pages() -> list:
    "(source page, page path in the site): the markdown pages in `docs/`."
    return [(p, f"docs/{p.name}") for p in sorted(PAGES.glob("*.md"))]

def sources() -> list:
    return ([p for p, _ in notebooks()] + [p for p, _ in md_pages()] + sorted((ROOT/"bench"/"results").glob("*.md"))
            + [ROOT/"nbs"/"tutorials"/"study"/"results.md"] + sorted((ROOT/"synthlab").glob("*.py")) + [ROOT/"mkdocs.yml", Path(__file__)]
            + [p for p in [LESSONS/"timings.json"] if p.exists()])

def _title(nb: dict, default: str) -> str:
    "The first markdown heading of a notebook."
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown" and src.startswith("# "): return src.splitlines()[0][2:].strip()
    return default

def lessons_page() -> str:
    "Markdown: the lesson path, one row per lesson with its CPU time at full budget (nbs/lessons/timings.json, `make lessons SAVE=1`)."
    t = json.loads((LESSONS/"timings.json").read_text()) if (LESSONS/"timings.json").exists() else {}
    rows = []
    for p in sorted(LESSONS.glob("[0-9]*.ipynb")):
        m = t.get(p.name)
        cpu = f"{m['cpu_s']:.0f} s ({m['cpu_s'] / 60:.1f} min)" if m else "not measured"
        when = f"{m['date']}, {m['cores']} cores, {m['cpu']}, load {m['load_1min']}" if m else ""
        rows.append(f"| [{_title(json.loads(p.read_text()), p.stem)}](lesson-{p.name.replace('.ipynb', '.html')}) | {cpu} | {when} |")
    return "\n".join([
        "# Lessons", "",
        "A lesson path for a class: each lesson is a short notebook that runs on a laptop CPU with the embedded SmolLM2-135M, "
        "ends with exercises (predict, then run) and a solutions cell that is hidden until you open it.", "",
        "**Start**: `make lab` (JupyterLab on 127.0.0.1 with the project's environment and its kernel, opened on lesson 1), "
        "then *Run → Run All Cells*. `make lessons` runs them all at full budget and prints the CPU seconds of each.", "",
        "**One switch** scales every budget: `SYNTHLAB_LESSON_SCALE` (default 1.0; the tests run the lessons at 0.1).", "",
        "| Lesson | CPU time at full budget | measured (UTC date when the run was written, machine, 1-min load average then) |", "|---|---|---|", *rows, "",
        "CPU time is user + system seconds of a fresh Python process running the whole lesson (imports and model loading "
        "included), at `SYNTHLAB_LESSON_SCALE=1`. The times were measured on a machine shared with other engineers' jobs, "
        "under load: wall-clock time there was several times the CPU time; on an idle 2-core laptop expect wall ≈ CPU / 1.5.", ""])

def is_stale() -> bool:
    return not STAMP.is_file() or max(p.stat().st_mtime for p in sources()) > STAMP.stat().st_mtime

def _directives(src: str) -> list: return [l[3:].strip() for l in src.splitlines() if l.startswith("#|")]

def _noise(out: dict) -> bool:
    "Widget outputs (tqdm in Jupyter) and stderr warnings or progress bars: noise on a web page."
    if "application/vnd.jupyter.widget-view+json" in out.get("data", {}): return True
    text = "".join(out.get("text", "")) if out.get("name") == "stderr" else ""
    return bool(re.search(r"Warning:|it/s\]|s/it\]|examples/s\]|\d+%\|", text))

def clean_notebook(nb: dict) -> dict:
    "A notebook as the site shows it: `#| hide` cells dropped, `#|` directive lines removed, noise outputs dropped."
    cells = []
    for c in nb["cells"]:
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        if c["cell_type"] == "code":
            if any(d in ("hide", "exporti") or d.startswith("default_exp") for d in _directives(src)): continue
            if "solution" in _directives(src):   # a lesson's solutions: collapsed on the page, as in JupyterLab
                body = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip("\n")
                outs = "".join("".join(o.get("text", "")) for o in c.get("outputs", []) if o.get("output_type") == "stream")
                html = f"<details><summary>Solutions (click to open)</summary><pre><code>{escape(body)}</code></pre>"
                if outs.strip(): html += f"<p>Output:</p><pre>{escape(outs)}</pre>"
                cells.append({"cell_type": "markdown", "metadata": {}, "source": html + "</details>"}); continue
            src = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip("\n")
            if not src: continue
            c = {**c, "outputs": [o for o in c.get("outputs", []) if not _noise(o)]}
        cells.append({**c, "source": src})
    meta = {k: v for k, v in nb.get("metadata", {}).items() if k != "widgets"}
    return {**nb, "cells": cells, "metadata": meta}

def _signature(node) -> str:
    if isinstance(node, ast.ClassDef):
        init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        args = ast.unparse(init.args).removeprefix("self, ").removeprefix("self") if init else ""
    else: args = ast.unparse(node.args)
    return f"{node.name}({args})"

def api_page() -> str:
    "Markdown: every exported name of every module, with its signature and docstring (read with `ast`, nothing imported)."
    out = ["# API reference\n", "Every name a module exports (`__all__`), with its signature and docstring. "
           "The notebooks show each one with examples and tests.\n"]
    for py in sorted((ROOT/"synthlab").glob("*.py")):
        if py.name.startswith("_"): continue
        tree = ast.parse(py.read_text())
        names = next((ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                      and any(getattr(t, "id", "") == "__all__" for t in n.targets)), [])
        defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        out.append(f"## synthlab.{py.stem}\n\n{ast.get_docstring(tree) or ''}\n")
        for name in names:
            if name not in defs: continue
            out.append(f"### `{name}`\n\n```python\n{_signature(defs[name])}\n```\n\n{ast.get_docstring(defs[name]) or ''}\n")
    return "\n".join(out)

INCLUDE = re.compile(r"^<!-- include: (\S+) -->$", re.M)
LINK = re.compile(r"\]\(([^()\s#]+)(#[^()\s]*)?\)")

def includes(text: str) -> str:
    "`text` with each `<!-- include: GLOB -->` line replaced by the files GLOB matches (a `### name` heading each when several)."
    def files(m):
        fs = sorted(ROOT.glob(m.group(1)))
        if not fs: return f"(no {m.group(1)} yet)"
        if len(fs) == 1: return fs[0].read_text().strip()
        return "\n\n".join(f"### {f.stem}\n\n{f.read_text().strip()}" for f in fs)
    return INCLUDE.sub(files, text)

def site_names() -> dict:
    "Repository file → its page in the site (`.html`): notebooks, the index, the markdown pages."
    pages = {src.resolve(): name for src, name in notebooks() + md_pages()}
    return {src: re.sub(r"\.(ipynb|md)$", ".html", name) for src, name in pages.items()}

def repo_url() -> str:
    "The repository's web address (settings.ini `git_url`), where a link to a file without a page points."
    return next((l.split("=", 1)[1].strip() for l in (ROOT/"settings.ini").read_text().splitlines()
                 if l.startswith("git_url")), "").rstrip("/")

def relink(text: str, base: Path, page: str, names: dict=None) -> str:
    """Relative links in `text` (relative to folder `base` in the repository) as the site at `page` needs them: to the page
    a file became, else to the file on the repository's web address."""
    names = names or site_names()
    def sub(m):
        target, frag = m.group(1), m.group(2) or ""
        if ":" in target or target.startswith("/"): return m.group(0)
        path = (base/target).resolve()
        if path in names: return f"]({os.path.relpath(names[path], Path(page).parent)}{frag})"
        if path.exists() and path.is_relative_to(ROOT):
            return f"]({repo_url()}/{'tree' if path.is_dir() else 'blob'}/main/{path.relative_to(ROOT).as_posix()}{frag})"
        return m.group(0)
    return LINK.sub(sub, text)

def _relink_notebook(nb: dict, src: Path, page: str) -> dict:
    "Relink a notebook's markdown cells (the index's links are the README's: relative to the repository root)."
    names, base = site_names(), ROOT if page == "index.ipynb" else src.parent
    for c in nb["cells"]:
        if c["cell_type"] == "markdown": c["source"] = relink("".join(c["source"]), base, page, names)
    return nb

def stage(src_dir: Path=SRC, site: Path=SITE, only: list=None):
    "Fill `src_dir`: cleaned notebooks (those named in `only`, default all), the API page, and a config with the nav."
    shutil.rmtree(src_dir, ignore_errors=True); src_dir.mkdir(parents=True)
    pages = [(p, n) for p, n in notebooks() if only is None or n in only]
    if only is not None and len(pages) < len(only):
        sys.exit(f"build_docs: no such page(s): {', '.join(sorted(set(only) - {n for _, n in pages}))}")
    for src, name in pages:
        (src_dir/name).write_text(json.dumps(_relink_notebook(clean_notebook(json.loads(src.read_text())), src, name)))
    for src, name in md_pages():
        (src_dir/name).parent.mkdir(exist_ok=True)
        (src_dir/name).write_text(relink(includes(src.read_text()), src.parent, name))
    (src_dir/"api.md").write_text(api_page())
    (src_dir/"lessons.md").write_text(lessons_page())
    cfg = yaml.safe_load((ROOT/"mkdocs.yml").read_text())
    cfg.update(docs_dir=str(src_dir), site_dir=str(site), nav=[
        {"Home": "index.ipynb"},
        {"Library": [n for _, n in pages if n[0].isdigit()]},
        {"Tutorials": [n for _, n in pages if n.startswith("tutorial-")]},
        {"Lessons": ["lessons.md", *[n for _, n in pages if n.startswith("lesson-")]]},
        {"Guide": [n for _, n in md_pages()]},
        {"API reference": "api.md"}])
    (src_dir.parent/"mkdocs.yml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))

def vendor_mathjax(site: Path=SITE):
    "Copy MathJax 2 (from the `jupyter-server-mathjax` wheel) into the site: the pages load it from there, not a CDN."
    import importlib.util   # found, not imported: importing it imports jupyter_server (~3 s of CPU)
    spec = importlib.util.find_spec("jupyter_server_mathjax")
    if spec is None: sys.exit("build_docs: MathJax comes from the jupyter-server-mathjax wheel: pip install 'synthlab[docs]'")
    src = Path(spec.origin).parent/"static"
    if not (src/"config"/f"{MATHJAX_CONFIG}.js").is_file(): sys.exit(f"build_docs: {src} lacks MathJax's {MATHJAX_CONFIG} config")
    dst = site/"assets"/"mathjax"
    shutil.copytree(src, dst, dirs_exist_ok=True)
    # MathJax 2 declares a 'MathJax_Blank' font at url('about:blank') to measure fallbacks; current Chromium refuses that
    # fetch and logs a console error. A local() source gives the same fallback without any fetch.
    full = dst/"config"/f"{MATHJAX_CONFIG}.js"
    full.write_text(full.read_text().replace('src:"url(\'about:blank\')"', 'src:"local(\'MathJax_Blank\')"'))
    (dst/"config"/"local").mkdir(exist_ok=True)   # the wheel ships STIX-Web fonts only: tell MathJax to use them
    (dst/"config"/"local"/"synthlab.js").write_text(
        'MathJax.Hub.Config({"HTML-CSS": {availableFonts: ["STIX-Web"], preferredFont: "STIX-Web", webFont: "STIX-Web", imageFont: null}});\n'
        'MathJax.Ajax.loadComplete("[MathJax]/config/local/synthlab.js");\n')

def build(site: Path=SITE, only: list=None):
    "Build the site into `site`: every page, or only the notebook pages named in `only` (no stamp then: not the full site)."
    t0, work = time.time(), DOCS if only is None else Path(site).parent/f"{Path(site).name}-work"
    stage(work/"src", Path(site), only)
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NO_MKDOCS_2_WARNING": "1"}
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "-q", "-f", str(work/"mkdocs.yml")], env=env)
    if r.returncode: sys.exit(f"build_docs: mkdocs build failed (exit {r.returncode})")
    vendor_mathjax(Path(site))
    if only is None: STAMP.write_text(f"{time.time()}\n")
    print(f"docs: {len(notebooks()) if only is None else len(only)} notebooks + API page → {site} in {time.time() - t0:.1f} s")

if __name__ == "__main__":
    import argparse
    p = argparse.ArgumentParser(description="Build the docs site offline.")
    p.add_argument("--if-stale", action="store_true", help="only when a notebook, module or the config changed since the last full build")
    p.add_argument("--pages", nargs="+", metavar="PAGE", help="only these notebook pages (e.g. index.ipynb 04_corrsynth.ipynb)")
    p.add_argument("--site", type=Path, help="output folder (default _docs/site; required with --pages)")
    o = p.parse_args()
    if o.pages and (o.site is None or o.site.resolve() == SITE.resolve()): p.error("--pages needs its own --site folder, not the full site's")
    if o.if_stale and not o.pages and not is_stale(): print(f"docs: {SITE} is up to date")
    else: build(o.site or SITE, o.pages)
