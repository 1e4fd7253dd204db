"""Write README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which this project does not install).

Markdown cells are copied; code cells become ```python blocks (directives dropped); stored text outputs follow them.
The `BENCHMARKS` placeholder is replaced by the tables in bench/results/*.md, and `STUDY_RESULTS` by the study's tables
(nbs/tutorials/study/results.md, written by the last cells of nbs/tutorials/study.ipynb).
"""
import json, re
from pathlib import Path

root = Path(__file__).resolve().parents[1]
nb = json.loads((root/"nbs"/"index.ipynb").read_text())
parts = []
for c in nb["cells"]:
    src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
    if c["cell_type"] == "markdown":
        src = re.sub(r"^> (.*)$", r"> \1", src, flags=re.M)
        parts.append(src)
    elif c["cell_type"] == "code":
        code = "\n".join(l for l in src.splitlines() if not l.startswith("#|")).strip()
        if code: parts.append(f"```python\n{code}\n```")
        for o in c.get("outputs", []):
            text = "".join(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
            if text.strip(): parts.append(f"```\n{text.rstrip()}\n```")
bench = ""
for f in sorted((root/"bench"/"results").glob("*.md")):
    bench += f"### {f.stem}\n\n{f.read_text().strip()}\n\n"
study = root/"nbs"/"tutorials"/"study"/"results.md"
study = study.read_text().strip() if study.exists() else "(execute `nbs/tutorials/study.ipynb`)"
text = "\n\n".join(parts).replace("BENCHMARKS", bench.strip() or "(run `make bench`)").replace("STUDY_RESULTS", study) + "\n"
(root/"README.md").write_text(text)
print(f"wrote README.md ({len(text)} chars)")
