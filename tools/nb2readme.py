"""Write README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which this project does not install).

Markdown cells are copied; code cells become ```python blocks (directives dropped); stored text outputs follow them.
`STUDY_TABLE` becomes the README's one results table: the single-method rows, the two compositions and the real
references of the study's SST-2 table (nbs/tutorials/study/results.md, written by the last cells of
nbs/tutorials/study.ipynb), fewer columns. The full tables and the benchmarks are docs pages (docs/, `make docs`).

    python tools/nb2readme.py          # write README.md
    python tools/nb2readme.py --check  # exit 1 when README.md is not what nbs/index.ipynb gives
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT/"nbs"/"tutorials"/"study"/"results.md"
ROWS = ["FewGen α=0.1", "CFG", "CorrSynth", "SynAlign", "TarGEN", "composed", "full", "real-1,000", "real-64", "few-shot pool"]
COLUMNS = ["kept", "seeds", "linear acc / F1", "fine-tuned acc / F1", "self-BLEU", "label fidelity", "CPU s"]

def study_table(results: str, rows: list = ROWS, columns: list = COLUMNS) -> str:
    "`rows` and `columns` of the first markdown table in `results` (the study's SST-2 table), as a markdown table."
    lines = [l for l in results.split("\n\n", 2)[1].splitlines() if l.startswith("|")]
    split = lambda l: [c.strip() for c in l.strip().strip("|").split("|")]
    head, body = split(lines[0]), {split(l)[0]: split(l) for l in lines[2:]}
    missing = [r for r in rows if r not in body] + [c for c in columns if c not in head]
    if missing: sys.exit(f"nb2readme: {RESULTS} has no {missing}: update ROWS/COLUMNS")
    idx = [head.index(c) for c in columns]
    return "\n".join(["| set | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|",
                      *(f"| {r} | " + " | ".join(body[r][i] for i in idx) + " |" for r in rows)])

def readme() -> str:
    "The README's text."
    nb = json.loads((ROOT/"nbs"/"index.ipynb").read_text())
    parts = []
    for c in nb["cells"]:
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        if c["cell_type"] == "markdown": parts.append(src)
        elif c["cell_type"] == "code":
            code = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip()
            if code: parts.append(f"```python\n{code}\n```")
            for o in c.get("outputs", []):
                text = "".join(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
                if text.strip(): parts.append(f"```\n{text.rstrip()}\n```")
    table = study_table(RESULTS.read_text()) if RESULTS.exists() else "(execute `nbs/tutorials/study.ipynb`)"
    return "\n\n".join(parts).replace("STUDY_TABLE", table) + "\n"

if __name__ == "__main__":
    text = readme()
    if "--check" in sys.argv:
        ok = (ROOT/"README.md").read_text() == text
        print("README.md is up to date" if ok else "README.md differs from nbs/index.ipynb: run `make export`")
        sys.exit(0 if ok else 1)
    (ROOT/"README.md").write_text(text)
    print(f"wrote README.md ({len(text.encode())} bytes)")
