"""Style report (issue 30, "checks beside what they check"): how many export cells that define a public name are followed
by a check before the next export cell, per notebook, and how long the library's lines and modules are.

    python tools/style_report.py                # table for nbs/*.ipynb + library line stats
    python tools/style_report.py nbs/07_embed.ipynb ...
    python tools/style_report.py --unchecked    # also list the public names of each unchecked export cell

An export cell is a code cell whose directives include `#| export` or `#| exports`; it defines a public name when its
top level has a `def`/`class` or an assignment of a name that does not start with `_`. It is checked when a code cell
after it and before the next export cell (`#| eval: false` cells do not run, so they do not count) calls a fastcore
test (`test_eq`, `test_ne`, `test_close`, `test_fail`, `test_warns`, `test_is`, ... or `test(`) or has an `assert`.
Library lines: synthlab/*.py except _modidx.py (generated); the share of lines longer than 120 characters.
"""
import argparse, ast, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 120
DIRECTIVE = re.compile(r"^\s*#\s*\|\s*(.*)$")
# a call of a fastcore test (test_eq, test_fail, ..., test) or an assert statement; `def test_x(` is not a call
CHECK = re.compile(r"(?<!def )\btest(?:_[a-z_]+)?\s*\(|\bassert\b")

def directives(src: str) -> list:
    "The `#| ...` directive lines at the top of a cell's source, e.g. `['export', 'eval: false']`."
    out = []
    for line in src.splitlines():
        if not line.strip(): continue
        m = DIRECTIVE.match(line)
        if not m: break
        out.append(m.group(1).strip())
    return out

def is_export(src: str) -> bool: return any(d.split()[0] in ("export", "exports") for d in directives(src) if d)

def runs(src: str) -> bool: return not any(re.fullmatch(r"eval:\s*false", d) for d in directives(src))

def public_names(src: str) -> list:
    "Public names a cell defines at its top level (def, class, assignment); [] when it does not parse."
    code = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in src.splitlines())
    try: tree = ast.parse(code)
    except SyntaxError: return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                names += [n.id for n in ast.walk(t) if isinstance(n, ast.Name)]
    return [n for n in names if not n.startswith("_")]

def has_check(src: str) -> bool:
    "Whether a cell's code (comments dropped) calls a fastcore test or asserts."
    code = "\n".join(l.split("#", 1)[0] if "#" in l and "'" not in l and '"' not in l else l for l in src.splitlines()
                     if not l.lstrip().startswith("#"))
    return bool(CHECK.search(code))

def notebook_report(path: Path) -> list:
    "One row per export cell that defines a public name: (cell index, names, checked)."
    cells = [c for c in json.loads(Path(path).read_text())["cells"] if c["cell_type"] == "code"]
    srcs = [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in cells]
    rows = []
    for i, src in enumerate(srcs):
        if not is_export(src) or not (names := public_names(src)): continue
        checked = False
        for nxt in srcs[i+1:]:
            if is_export(nxt): break
            if runs(nxt) and has_check(nxt): checked = True; break
        rows.append((i, names, checked))
    return rows

def library_lines(pkg: Path = ROOT/"synthlab") -> dict:
    "Line counts of the library's modules: total, over `LIMIT` characters, and the largest module."
    sizes, long = {}, 0
    for f in sorted(pkg.glob("*.py")):
        if f.name == "_modidx.py": continue
        lines = f.read_text().splitlines()
        sizes[f.name] = len(lines)
        long += sum(len(l) > LIMIT for l in lines)
    total = sum(sizes.values())
    big = max(sizes, key=sizes.get)
    return dict(total=total, long=long, share=long/total if total else 0.0, largest=big, largest_lines=sizes[big])

def report(notebooks: list = None) -> dict:
    "Per-notebook (exports, checked) and the overall checked share, plus `library_lines()`."
    notebooks = notebooks or sorted((ROOT/"nbs").glob("*.ipynb"))
    per = {Path(p).stem: notebook_report(p) for p in notebooks}
    exports = sum(len(r) for r in per.values())
    checked = sum(c for r in per.values() for *_, c in r)
    return dict(notebooks=per, exports=exports, checked=checked, share=checked/exports if exports else 1.0,
                library=library_lines())

def table(rep: dict, unchecked: bool = False) -> str:
    out = [f"{'notebook':<16} {'exports':>7} {'checked':>7} {'%':>6}"]
    for nb, rows in rep["notebooks"].items():
        if not rows: continue
        n, c = len(rows), sum(r[2] for r in rows)
        out.append(f"{nb:<16} {n:>7} {c:>7} {100*c/n:>5.0f}%")
        if unchecked: out += [f"    cell {i}: {', '.join(names)}" for i, names, ok in rows if not ok]
    out.append(f"{'total':<16} {rep['exports']:>7} {rep['checked']:>7} {100*rep['share']:>5.1f}%")
    lib = rep["library"]
    out.append(f"library lines over {LIMIT} characters: {lib['long']}/{lib['total']} = {100*lib['share']:.1f}%; "
               f"largest module: {lib['largest']} ({lib['largest_lines']} lines)")
    return "\n".join(out)

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", help="notebooks to report (default: nbs/*.ipynb)")
    ap.add_argument("--unchecked", action="store_true", help="list the public names of each unchecked export cell")
    a = ap.parse_args()
    print(table(report([Path(p) for p in a.notebooks] or None), a.unchecked))
