# %% [markdown]
# ## Latent attribute reasoning
#
# The second ingredient of SynAlign: before writing a new example from a demonstration, the LM first says what the
# demonstration is *about* and *how* it is written, as a few `key: value` lines, and the new example is then asked to
# have those attributes. The attributes carry the demonstration's content and style into the prompt in a form the
# model can vary around. Copying the text itself is what small models do anyway.
#
# Choices, measured on the embedded SmolLM2-135M:
#
# - **Keys.** The LM is asked for `topic`, `style`, `tone` and `entities` (`ATTRIBUTE_KEYS`; any list can be passed).
#   **`length` is measured, not asked**: the 135M model reports "length: 114 words" for a 25-word sentence, so
#   `measured_length` counts the demonstration's words instead and adds `length: about N words`.
# - **Format example.** Without an example of the format the model mostly comments on the text ("The sentiment is
#   negative."). With one worked example in the system message (a neutral text, `ATTRIBUTE_EXAMPLE`) and the reply
#   **primed** with the first key (the prompt ends in `topic:`), most replies are `key: value` lines. But the model
#   often copies the example's values, sometimes the whole block ("topic: a phone's battery life" for a film review).
#   Such values describe the example, not the demonstration, so the parser rejects them (see below).
# - **Required keys.** Only `topic` is required (`REQUIRED_ATTRIBUTES`). It is the attribute that moves the content
#   across the pool, which is what SynAlign's coverage argument is about. Style, tone and entities are extras. The model
#   often stops after the topic line. Requiring them would throw away most usable replies.
#
# The parser, `parse_attributes`, finds every `key:` (also `**Key**:`, `- key:`, `1. key =`, a singular/plural variant,
# or several keys on one line). A key's value is the first non-empty line after it, up to the next key. Quotes, list
# numbers and trailing punctuation are removed. A value is **invalid** when it is:
# empty, only digits and punctuation, longer than `max_words` words (rambling or a loop), the key name itself, a
# list of other key names (the model repeating the instruction), or a placeholder (`<topic>`, `...`, `n/a`; `none` only
# for a required key). Given the demonstration (`source`), a value is also invalid when it contains all of it, or when it
# has ≥ 8 words, 80% of them from it (an excerpt, not a description). Given the format `example`, a value is
# invalid when all its content words come from the example and none from the demonstration ("casual complaint", "a
# phone's battery life"). A value that repeats an earlier key's value is skipped ("style: de niro / tone: de niro").
# The first valid value of a key wins. The reply is **accepted** when every required key has a valid value. It is
# then **complete** (all keys) or **salvaged** (required keys only; the missing optional keys are left out, never
# invented). Otherwise `parse_attributes` returns `None`.

# %%
#| export
import json, re
from collections import Counter
from pathlib import Path
from synthlab.decode import SamplingConfig, decode as _decode
from synthlab.generate import Method, fewshot_conversation, label_instruction, output_format, make_record, default_stop, normalise, RecordFilter
from synthlab.task import read_records, atomic_write_text

ATTRIBUTE_KEYS = ("topic", "style", "tone", "entities")   # asked of the LM, in this order
REQUIRED_ATTRIBUTES = ("topic",)                           # a reply without a valid topic is rejected
ATTRIBUTE_EXAMPLE = ("The new phone's battery died after two hours, what a waste of money.",
                     {"topic": "a phone's battery life", "style": "casual complaint", "tone": "annoyed",
                      "entities": "none"})

def attribute_lines(attributes: dict) -> str:
    "`key: value` lines, one per attribute."
    return "\n".join(f"{k}: {v}" for k, v in attributes.items())

def attribute_conversation(task, rec: dict, keys=ATTRIBUTE_KEYS, example=ATTRIBUTE_EXAMPLE) -> list:
    "Chat messages asking the LM to describe demonstration `rec` as `key: value` lines with `keys`."
    task = get_task(task)
    keys = list(keys)
    if not keys: raise ValueError("keys must name at least one attribute.")
    ex_text, ex_attrs = example
    missing = [k for k in keys if k not in ex_attrs]
    if missing: raise ValueError(f"the format example has no value for key(s) {missing}; pass `example=(text, {{key: value}})`.")
    system = (f"You describe texts. For the text the user gives, write its attributes, one per line, as `key: value`, "
              f"with exactly these keys in this order: {', '.join(keys)}. Each value is a few words. Write nothing else."
              f"\n\nExample text:\n{ex_text}\nAttributes:\n{attribute_lines({k: ex_attrs[k] for k in keys})}")
    user = f"{task.instance[0].upper() + task.instance[1:]} ({task.labels[task.check_label(rec.get('label'))]}):\n{task.format_example(rec)}"
    return [dict(role="system", content=system), dict(role="user", content=user)]

def attribute_prompt(lm, task, rec: dict, keys=ATTRIBUTE_KEYS, example=ATTRIBUTE_EXAMPLE) -> str:
    "The rendered prompt, with the assistant's reply primed with the first key (`topic:`)."
    return lm.chat(attribute_conversation(task, rec, keys, example)) + f"{list(keys)[0]}:"

def measured_length(task, rec: dict) -> str:
    "The demonstration's length as an attribute value: 'about N words' (all text fields together)."
    return f"about {len(get_task(task).format_example(rec).split())} words"

# %%
show_doc(attribute_conversation)

# %% [markdown]
# The prompt for one SST-2 demonstration (the chat template of SmolLM2; `lm` is loaded here because the prompt is
# rendered with its template):

# %%
from synthlab.lm import load_lm
lm = load_lm()
demo = dict(text="a riveting profile of law enforcement , and a visceral , nasty journey", label="positive")
print(attribute_prompt(lm, "sst2", demo))

# %%
#| export
_KEY_ALIASES = {"entity": "entities", "topics": "topic", "styles": "style", "tones": "tone", "lengths": "length"}
_STOPWORDS = {"the", "and", "for", "with", "new", "its", "his", "her", "their", "that", "this", "are", "was", "about", "from", "after"}
_PLACEHOLDERS = {"", "none", "n/a", "na", "null", "unknown", "...", "-", "value", "tbd", "?"}

def _canon_key(k: str, keys) -> str|None:
    k = re.sub(r"[\s_]+", " ", k.strip().lower())
    if k in keys: return k
    k = _KEY_ALIASES.get(k, k[:-1] if k.endswith("s") and k[:-1] in keys else k + "s" if k + "s" in keys else k)
    return k if k in keys else None

def _clean_value(v: str) -> str:
    v = next((l for l in v.splitlines() if l.strip()), "").strip()
    v = re.sub(r"^(\d+[.)]|[-*•])\s+", "", v).strip()                      # list numbering / bullets
    v = v.strip("*").strip()
    v = v.rstrip(".,;").strip()
    if len(v) > 1 and v[0] in "\"'“`" and v[-1] in "\"'”`": v = v[1:-1].strip()
    return v.rstrip(".,;").strip()

def _value_problem(key: str, v: str, keys, required, max_words: int, source: str|None, example) -> str|None:
    "Why value `v` of `key` is unusable, or None."
    low = v.lower()
    if not v or (low in _PLACEHOLDERS and key in required) or low in ("...", "value", "tbd", "?") or re.fullmatch(r"<[^>]*>", v):
        return "empty"
    if not re.search(r"[A-Za-z]", v): return "no_words"
    if len(v.split()) > max_words: return "too_long"
    if normalise(v) == key: return "key_name"
    if sum(re.search(rf"\b{k}\b", low) is not None for k in keys if k != key) >= 2: return "key_list"
    src, val = normalise(source or "").split(), normalise(v).split()
    if source:
        if len(src) >= 4 and " ".join(src) in " ".join(val): return "copies_source"
        if len(val) >= 8 and sum(w in set(src) for w in val) >= 0.8*len(val): return "copies_source"
    if example:
        ex_text, ex_attrs = example
        ex = set(normalise(" ".join([ex_text, *map(str, ex_attrs.values())])).split())
        content = [w for w in val if len(w) > 2 and w not in _STOPWORDS]
        if (normalise(v) not in _PLACEHOLDERS and content and all(w in ex for w in content)
            and not any(w in set(src) for w in content)): return "copies_example"
    return None

def parse_attributes(text: str,                       # the LM's reply (with the primed first key put back)
                     keys=ATTRIBUTE_KEYS,             # attribute keys to look for
                     required=REQUIRED_ATTRIBUTES,    # keys that must have a valid value, else None
                     source: str|None = None,         # the described text: a value copying (most of) it is invalid
                     example=None,                    # the format example (text, {key: value}): a value made only of its words is invalid
                     max_words: int = 12) -> dict|None:
    "Attributes parsed from `key: value` output: {key: value} in `keys` order, or None when a required key is missing or invalid."
    keys = [k.lower() for k in keys]
    required = [k.lower() for k in required]
    if not set(required) <= set(keys): raise ValueError(f"required keys {sorted(set(required) - set(keys))} are not among keys {keys}.")
    if not isinstance(text, str): return None
    names = sorted({*keys, *(a for a, k in _KEY_ALIASES.items() if k in keys), *(k[:-1] for k in keys if k.endswith("s")),
                    *(k + "s" for k in keys)}, key=len, reverse=True)
    pat = re.compile(r"(?<![A-Za-z])[*_]*(" + "|".join(map(re.escape, names)) + r")[*_]*\s*[:=]", re.I)
    hits = list(pat.finditer(text))
    out = {}
    for h, nxt in zip(hits, hits[1:] + [None]):
        k = _canon_key(h.group(1), keys)
        if k is None or k in out: continue
        v = _clean_value(text[h.end(): nxt.start() if nxt else len(text)])
        if normalise(v) not in _PLACEHOLDERS and normalise(v) in map(normalise, out.values()): continue   # repeats a value
        if _value_problem(k, v, keys, required, max_words, source, example) is None: out[k] = v
    if any(k not in out for k in required): return None
    return {k: out[k] for k in keys if k in out}

# %%
show_doc(parse_attributes)

# %% [markdown]
# Good output, with the usual small-model noise (markdown, numbering, quotes, a trailing full stop, an extra line):

# %%
good = 'topic: a teen movie\n**Style**: "casual complaint"\n3. tone = annoyed.\nentities: Hollywood\nThat is all.'
test_eq(parse_attributes(good), {"topic": "a teen movie", "style": "casual complaint", "tone": "annoyed", "entities": "Hollywood"})
test_eq(parse_attributes("Topic: war films, Style: terse, Tone: bitter, Entity: none"),     # one line, singular key
        {"topic": "war films", "style": "terse", "tone": "bitter", "entities": "none"})
test_eq(parse_attributes('topic:\n"period filmmaking"\nstyle:\n"earnest"'),      # values on the next line
        {"topic": "period filmmaking", "style": "earnest"})

# %% [markdown]
# Partial output is salvaged when the required keys are there. Bad values of optional keys are dropped, never kept:

# %%
test_eq(parse_attributes("topic: a movie's filmography"), {"topic": "a movie's filmography"})
test_eq(parse_attributes("topic: the end of the world\nstyle: 2.1\ntone: " + "creative, "*20),
        {"topic": "the end of the world"})                                   # numeric and looping values dropped
test_eq(parse_attributes("topic: heists\ntopic: something else"), {"topic": "heists"})   # first value wins
test_eq(parse_attributes("tone: sad", keys=("topic", "tone"), required=("tone",)), {"tone": "sad"})
test_eq(parse_attributes("topic: war films\nstyle: de niro\ntone: de niro"), {"topic": "war films", "style": "de niro"})
test_eq(parse_attributes("topic: a movie's screenplay\nstyle: casual complaint\ntone: bored\nentities: none",
                         example=ATTRIBUTE_EXAMPLE),                         # the format example's style is not kept
        {"topic": "a movie's screenplay", "tone": "bored", "entities": "none"})

# %% [markdown]
# Garbage is rejected: no topic, or a topic that is not a description:

# %%
for bad in ["The sentiment for the movie review sentence is negative.",           # no keys at all
            "topic:genre, style, tone, length, entities, body: more",            # repeats the key list
            "topic: 1. 4.3",                                                     # no words
            "topic: <topic>\nstyle: casual",                                     # placeholder
            "topic: none\nstyle: casual",
            "topic:" + " creative,"*30,                                          # loop
            "style: casual\ntone: annoyed\nentities: none",                      # required key missing
            "", None]:
    test_eq(parse_attributes(bad), None)
src = "an object lesson in period filmmaking"
test_eq(parse_attributes(f'topic: "{src}"', source=src), None)                   # copies the demonstration
test_eq(parse_attributes(f'topic: {src}'), {"topic": src})                       # (only checked when the source is given)
long_src = "did n't mean much to me and played too skewed to ever get a hold on the characters"
test_eq(parse_attributes("topic: the movie played too skewed to get a hold on the characters", source=long_src), None)
for copied in ["topic: a phone's battery life\nstyle: casual complaint", "topic: the new phone's battery life"]:
    test_eq(parse_attributes(copied, example=ATTRIBUTE_EXAMPLE), None)         # describes the format example
test_fail(lambda: parse_attributes("topic: x", required=("plot",)), contains="not among keys")

# %% [markdown]
# ### Extraction with retries
#
# `extract_attributes` runs the attribute prompt for a list of demonstrations through the shared decode loop (one batch
# per attempt; the system message is the same for every demonstration and is prefilled once). Replies that do not
# parse are retried with a new seed, up to `retries` times. The ones that still fail are
# **dropped**: their entry is `None` and they are counted. Every decode attempt is counted too. `counts` holds
# `complete`, `salvaged`, `dropped` (per demonstration) and `retries` (extra attempts). The number of attempts and the
# last raw reply are kept per demonstration. Attempt *a* samples with the generator seeded by `seed` and *a*, so a run
# is reproducible from `seed`. The measured `length` is added after parsing (with `length=True`), so it can never
# rescue a bad reply.

# %%
#| export
@dataclass
class AttributeResult:
    "Result of `extract_attributes`: per demonstration the attributes (None = dropped), attempts and last raw reply."
    attributes: list          # dict per demonstration, or None when every attempt failed
    attempts: list            # decode attempts per demonstration (1 = first try worked)
    raw: list                 # the last reply per demonstration (with the primed key)
    counts: Counter           # complete, salvaged, dropped (demonstrations); retries (extra attempts)

def _attempt_seed(seed: int, attempt: int) -> int:
    return (int(seed) * 1_000_003 + attempt * 7_919) % (2**63 - 1)

def extract_attributes(lm, task, records: list,               # demonstrations (task records with a label)
                       keys=ATTRIBUTE_KEYS, required=REQUIRED_ATTRIBUTES,
                       retries: int = 2,                      # extra attempts for replies that do not parse
                       sampling: SamplingConfig|None = None,  # default: temperature 0.7, top-p 0.95, 48 tokens, stop at a blank line
                       seed: int = 0,
                       length: bool = True,                   # add the measured `length` attribute
                       example=ATTRIBUTE_EXAMPLE,
                       max_words: int = 12,
                       decoder=None) -> AttributeResult:      # the decode function (a Method's `self.decode` counts its work)
    "Ask the LM for each demonstration's attributes; retry malformed replies with a new seed, then drop and count them."
    task = get_task(task)
    if retries < 0: raise ValueError(f"retries must be >= 0; got {retries}.")
    sampling = sampling or SamplingConfig(temperature=0.7, top_p=0.95, max_new_tokens=48, stop=("\n\n",))
    decoder = decoder or _decode
    records = list(records)
    first = f"{list(keys)[0]}:"
    if not records: return AttributeResult([], [], [], Counter())
    prefix, suffixes = lm.split_prefix([attribute_conversation(task, r, keys, example) for r in records])
    prompts = [s + first for s in suffixes]                      # the shared system message is prefilled once
    res = AttributeResult([None]*len(records), [0]*len(records), [""]*len(records), Counter())
    todo = list(range(len(records)))
    for attempt in range(retries + 1):
        if not todo: break
        if attempt: res.counts["retries"] += len(todo)
        out = decoder(lm, [prompts[i] for i in todo], prefix=prefix, sampling=sampling,
                      generator=torch.Generator().manual_seed(_attempt_seed(seed, attempt)))
        failed = []
        for i, text in zip(todo, out.texts):
            res.attempts[i] += 1
            res.raw[i] = first + " " + text
            a = parse_attributes(res.raw[i], keys, required, source=task.format_example(records[i]), example=example,
                                 max_words=max_words)
            if a is None: failed.append(i); continue
            res.counts["complete" if len(a) == len(list(keys)) else "salvaged"] += 1
            res.attributes[i] = {**a, "length": measured_length(task, records[i])} if length else a
        todo = failed
    res.counts["dropped"] += len(todo)
    return res

# %%
show_doc(extract_attributes)

# %% [markdown]
# On six SST-2 training sentences:

# %%
six = [r for r in sst_pool if len(r["text"].split()) >= 6][:6]
ar = extract_attributes(lm, "sst2", six, seed=0)
print(dict(ar.counts))
pd.DataFrame([dict(text=r["text"][:50], attempts=n, **(a or {"topic": "(dropped)"}))
              for r, a, n in zip(six, ar.attributes, ar.attempts)])

# %% [markdown]
# Every demonstration ends in exactly one of complete, salvaged or dropped, and extra attempts are counted. With `tone` also required and a budget of three new tokens, no reply can hold both the
# topic and a `tone:` line, so every demonstration is retried twice and then dropped. Nothing malformed is kept.

# %%
test_eq(ar.counts["complete"] + ar.counts["salvaged"] + ar.counts["dropped"], len(six))
test_eq(ar.counts["retries"], sum(ar.attempts) - len(six))
for r, a in zip(six, ar.attributes):
    if a is not None:
        assert a["topic"] and a["length"] == f"about {len(r['text'].split())} words"
prefix, sufs = lm.split_prefix([attribute_conversation("sst2", r) for r in six])
test_eq(prefix + sufs[0] + "topic:", attribute_prompt(lm, "sst2", six[0]))        # what the decode loop is fed
starved = extract_attributes(lm, "sst2", six[:3], required=("topic", "tone"), seed=0, retries=2,
                             sampling=SamplingConfig(max_new_tokens=3, stop=("\n\n",)))
test_eq(starved.attributes, [None]*3); test_eq(starved.attempts, [3]*3)
test_eq(dict(starved.counts), {"retries": 6, "dropped": 3})

# %% [markdown]
# ## SynAlign as a generation method
#
# `SynAlign` plugs the pieces into the `generate` driver:
#
# 1. **Once per run:** the task's real pool: the `split` (default `train`) after dropping examples shorter than
#    `min_words` (single-word SST-2 phrases make useless demonstrations), a seeded, label-stratified sample of
#    `pool_size` examples (`load_pool`). It is embedded with `synthlab.embed` (disk cache) and explored per label with
#    the GP (`select_demonstrations`). The clusters of every label are ordered by pick. Pool and exploration are
#    cached in the process. `acquisition` defaults to the paper's largest-σ² rule. On real SST-2 and AG News
#    embeddings, `acquisition="reduction"` covers more of the pool than random sampling and the paper's rule covers less
#    (see "Real data: SST-2 and AG News" above), so it is worth trying.
# 2. **Per batch:** for every label that still needs records, the next `per_label` clusters in GP order. Batch *b*
#    takes clusters *b·per_label …* and wraps around, so a resumed run picks the same demonstrations. The cluster
#    centre is the demonstration whose attributes are extracted. The centre and its `k_neighbours` neighbours are the
#    prompt's examples.
# 3. The prompt (`synalign_conversation`, the only renderer) is the FewGen prompt (`fewshot_conversation` with the
#    cluster as shots). The request names the attributes inline: "Write one new movie review sentence that expresses
#    a negative opinion of the movie, with these attributes (topic: …; tone: …; length: about 9 words). Do not copy
#    the examples." It ends with the usual `output_format`. Measured on 30 SST-2 demonstrations × 2 seeds: a block of
#    `key: value` lines before `label_instruction` made the model write *about* the request in 23 of 60 outputs ("The
#    new movie review sentence needs to contain all of the requested attributes…"). The inline form did so in 3 of 60,
#    and plain FewGen requests in 6 of 60. With `attributes=False` the request is exactly `label_instruction`: FewGen
#    on GP-chosen shots, the ablation.
#
# Records keep `meta["attributes"]` (the attributes used, `None` with `attributes=False`), `meta["pool_index"]` (the
# centre's index in the pool, which `load_pool` rebuilds from `split`, `pool_size`, `pool_seed` and `min_words`, all
# recorded in `meta["params"]`), `meta["neighbours"]`, the GP pick number `meta["cluster"]` and σ² at the pick, and
# the attempts the attributes took. Dropped attributes skip their demonstration in that batch. The driver simply runs
# more batches. The counts (`attr_complete`, `attr_salvaged`, `attr_retries`, `attr_dropped`) and the LM work of both
# steps appear in `generate.last_summary`.
#
# The driver's filter checks copies against the task card's few-shot examples. SynAlign's examples come from the
# pool, so the method itself rejects outputs that near-duplicate a pool example (counted as `copies_pool`).

# %%
#| export
_POOLS: dict = {}

def load_pool(task, split: str = "train", n: int = 500, seed: int = 0, min_words: int = 3) -> list[dict]:
    "A seeded, label-stratified sample of `n` real records from `split`, each text field having ≥ `min_words` words (cached in the process)."
    task = get_task(task)
    if n < 1: raise ValueError(f"pool size must be >= 1; got {n}.")
    key = (task.name, tuple(task.fields), split, task.splits.get(split), n, seed, min_words)
    if key not in _POOLS:
        ds = load_split(task, split)
        cols = ds.select_columns([*task.fields, "label"]).to_dict()
        rows = [{**{f: cols[f][i] for f in task.fields}, "label": cols["label"][i]} for i in range(len(ds))]
        ok = [i for i, r in enumerate(rows) if all(len(r[f].split()) >= min_words for f in task.fields)]
        if not ok: raise ValueError(f"{task.name}:{split}: no example has >= {min_words} words in every field.")
        by = defaultdict(list)
        for i in ok: by[rows[i]["label"]].append(i)
        m = min(n, len(ok))
        quota = {l: m*len(ix)//len(ok) for l, ix in by.items()}
        rest = sorted(by, key=lambda l: (-(m*len(by[l]) % len(ok)), str(l)))
        for l in rest[: m - sum(quota.values())]: quota[l] += 1
        rng = random.Random(seed)
        keep = sorted(j for l, ix in by.items() for j in rng.sample(ix, quota[l]))
        _POOLS[key] = [rows[i] for i in keep]
    return [dict(r) for r in _POOLS[key]]

# %%
show_doc(load_pool)

# %%
pool = load_pool("sst2", n=500)
test_eq(len(pool), 500); test_eq(load_pool("sst2", n=500), pool)
assert min(len(r["text"].split()) for r in pool) >= 3
print(Counter(r["label"] for r in pool), "| full split share positive:", round(37569/67349, 3))

# %%
#| export
def synalign_instruction(task, label: str, attributes: dict|None = None) -> str:
    "The request: FewGen's `label_instruction`, with the attributes inline when given (output format last)."
    task = get_task(task)
    if not attributes: return label_instruction(task, label)
    task.check_label(label)
    desc = "; ".join(f"{k}: {v}" for k, v in attributes.items())
    return (f"Write one new {task.instance} that expresses {task.labels[label]}, with these attributes ({desc}). "
            f"Do not copy the examples. {output_format(task)}")

def synalign_conversation(task, label: str, shots: list, attributes: dict|None = None) -> list:
    "Chat messages for one SynAlign example: task description and the demonstration cluster as shots, then the request."
    task = get_task(task)
    shots = [{k: v for k, v in s.items() if k != "meta"} for s in shots]
    return fewshot_conversation(task, shots, synalign_instruction(task, label, attributes))

# %%
show_doc(synalign_conversation)

# %%
attrs = {"topic": "a police drama", "tone": "admiring", "length": "about 13 words"}
conv = synalign_conversation("sst2", "positive", [demo], attrs)
print(lm.chat(conv))
test_eq(conv, fewshot_conversation(get_task("sst2"), [demo], synalign_instruction("sst2", "positive", attrs)))
test_eq(synalign_conversation("sst2", "positive", [demo])[1]["content"], label_instruction(get_task("sst2"), "positive"))
assert conv[1]["content"].endswith(output_format(get_task("sst2")))

# %%
#| export
class SynAlign(Method):
    "SynAlign generation: GP-explored demonstration clusters from the real pool, attribute reasoning, label-conditioned examples."
    name = "synalign"
    def __init__(self, per_label: int = 2,             # demonstrations (= sequences) per label per batch
                 pool_size: int = 500,                 # real examples in the pool (seeded, label-stratified)
                 split: str = "train",                 # the real split the pool comes from
                 pool_seed: int = 0,                   # seed of the pool sample and the GP tie-breaks
                 min_words: int = 3,                   # pool examples need this many words in every field
                 acquisition: str = "variance",        # GP rule: "variance" (the paper's) or "reduction"
                 k_neighbours: int = 2,                # neighbours per centre, shown as extra examples
                 k_shots: int|None = None,             # examples per prompt, as in FewGen; if given, k_neighbours = k_shots - 1
                 tau: float|None = None,               # RBF length scale (None = median heuristic per label)
                 n_clusters: int|None = None,          # clusters explored per label (None = until the pool is used up)
                 attributes: bool = True,              # attribute reasoning on/off (off = FewGen on GP-chosen clusters)
                 keys=ATTRIBUTE_KEYS, required=REQUIRED_ATTRIBUTES,
                 retries: int = 2,                     # extra attempts for malformed attribute replies
                 sampling: SamplingConfig|None = None,        # for the examples (FewGen's defaults)
                 attr_sampling: SamplingConfig|None = None,   # for the attributes
                 embedder=None):                       # sentence-embedding model spec (None = embedded MiniLM)
        if acquisition not in _ACQUISITIONS: raise ValueError(f"acquisition must be one of {_ACQUISITIONS}; got {acquisition!r}.")
        if per_label < 1: raise ValueError(f"per_label must be >= 1; got {per_label}.")
        if k_shots is not None:
            if k_shots < 1: raise ValueError(f"k_shots must be >= 1 (the demonstration itself); got {k_shots}.")
            k_neighbours = k_shots - 1
        if k_neighbours < 0: raise ValueError(f"k_neighbours must be >= 0; got {k_neighbours}.")
        self.per_label, self.pool_size, self.split, self.pool_seed, self.min_words = per_label, pool_size, split, pool_seed, min_words
        self.acquisition, self.k_neighbours, self.k_shots, self.tau, self.n_clusters = acquisition, k_neighbours, k_neighbours + 1, tau, n_clusters
        self.attributes, self.keys, self.required, self.retries = attributes, list(keys), list(required), retries
        if not set(self.required) <= set(self.keys): raise ValueError(f"required {self.required} must be among keys {self.keys}.")
        self.sampling = sampling or SamplingConfig(temperature=1.0, top_p=0.95, max_new_tokens=48)
        self.attr_sampling = attr_sampling or SamplingConfig(temperature=0.7, top_p=0.95, max_new_tokens=48, stop=("\n\n",))
        self.embedder = None if embedder is None else str(embedder)
        self._prepared = {}

    def params(self) -> dict:
        p = super().params()
        p["attr_sampling"] = self.attr_sampling.asdict()
        return p

    def __repr__(self):
        return (f"SynAlign(per_label={self.per_label}, pool={self.split}[{self.pool_size}], acquisition={self.acquisition!r}, "
                f"k_neighbours={self.k_neighbours}, attributes={self.attributes})")

# %%
#| export
@patch
def prepare(self: SynAlign, task) -> dict:
    "Pool, embeddings and GP exploration for `task` (once per task): {'pool', 'clusters': label → clusters in pick order, 'filter'}."
    task = get_task(task)
    key = (task.name, tuple(task.fields), tuple(task.labels))
    if key not in self._prepared:
        pool = load_pool(task, self.split, self.pool_size, self.pool_seed, self.min_words)
        E = embed_records(pool, task, spec=self.embedder, progress=True)
        demos = select_demonstrations(pool, task, n_per_label=self.n_clusters or len(pool), k_neighbours=self.k_neighbours,
                                      embeddings=E, tau=self.tau, seed=self.pool_seed, acquisition=self.acquisition,
                                      labels=task.label_names)
        self._prepared[key] = dict(pool=pool, clusters=demo_clusters(demos), filter=RecordFilter(task, pool=pool))
    return self._prepared[key]

@patch
def generate_batch(self: SynAlign, lm, task, rng, generator, batch, need):
    prep = self.prepare(task)
    chosen = []                                          # (label, cluster)
    for y in task.label_names:
        if need.get(y, 1) <= 0: continue
        cl = prep["clusters"][y]
        chosen += [(y, cl[(batch*self.per_label + j) % len(cl)]) for j in range(self.per_label)]
    if self.attributes:
        ar = extract_attributes(lm, task, [c[0] for _, c in chosen], self.keys, self.required, self.retries,
                                self.attr_sampling, seed=rng.getrandbits(62), decoder=self.decode)
        self.work.update({f"attr_{k}": v for k, v in ar.counts.items()})
        attrs, attempts = ar.attributes, ar.attempts
    else: attrs, attempts = [None]*len(chosen), [0]*len(chosen)
    keep = [i for i, a in enumerate(attrs) if a is not None or not self.attributes]
    if not keep: return []
    convs = [synalign_conversation(task, chosen[i][0], chosen[i][1], attrs[i]) for i in keep]
    prefix, suffixes = lm.split_prefix(convs)
    sampling = self.sampling if self.sampling.stop else SamplingConfig(**{**vars(self.sampling), "stop": default_stop(task)})
    res = self.decode(lm, suffixes, prefix=prefix, sampling=sampling, generator=generator)
    out = []
    for i, text, s, ids, fin in zip(keep, res.texts, suffixes, res.token_ids, res.finish):
        y, cl = chosen[i]
        m = cl[0]["meta"]["synalign"]
        r = make_record(task, y, text, prefix + s, f"b{batch}", len(ids), fin, attributes=attrs[i], pool_index=m["pool_index"],
                        neighbours=[c["meta"]["synalign"]["pool_index"] for c in cl[1:]], cluster=m["cluster"],
                        sigma2=m["sigma2"], attribute_attempts=attempts[i])
        if prep["filter"].reason(r) == "copies_shot":
            self.work["copies_pool"] += 1; continue
        out.append(r)
    return out

# %%
show_doc(SynAlign)

# %%
show_doc(SynAlign.prepare)

# %% [markdown]
# `k_shots` is accepted for the shared vocabulary of the other methods (examples per prompt): the cluster is the
# demonstration plus `k_shots − 1` neighbours.

# %%
test_eq(SynAlign(k_shots=3).k_neighbours, 2); test_eq(SynAlign(k_neighbours=0).k_shots, 1)
test_fail(lambda: SynAlign(acquisition="ucb"), contains="acquisition must be one of")
test_fail(lambda: SynAlign(k_shots=0), contains="k_shots must be >= 1")
test_fail(lambda: SynAlign(required=["plot"]), contains="must be among keys")

# %% [markdown]
# Four SST-2 examples with the embedded model, from a 500-example pool (the same run twice must give the same file):

# %%
import tempfile
from synthlab.generate import generate
tmp = Path(tempfile.mkdtemp())
sa = SynAlign(per_label=2)
recs = generate(sa, "sst2", lm, n=4, out=tmp/"synalign.jsonl", seed=0)
pd.DataFrame([dict(label=r["label"], text=r["text"], demo=sa.prepare("sst2")["pool"][r["meta"]["pool_index"]]["text"][:60],
                   **r["meta"]["attributes"]) for r in recs]).fillna("")

# %%
print({k: v for k, v in generate.last_summary.items() if k not in ("labels",)})

# %%
test_eq(len(recs), 4); test_eq(Counter(r["label"] for r in recs), {"negative": 2, "positive": 2})
pool0 = sa.prepare("sst2")["pool"]
for r in recs:
    m = r["meta"]
    assert m["method"] == "synalign" and m["attributes"]["topic"] and m["attributes"]["length"].startswith("about ")
    test_eq(pool0[m["pool_index"]]["label"], r["label"])              # the demonstration has the record's label
    assert m["attribute_attempts"] >= 1 and "topic: " in m["prompt"]
    test_eq(m["params"]["pool_size"], 500); test_eq(m["params"]["acquisition"], "variance")
generate(SynAlign(per_label=2), "sst2", lm, n=4, out=tmp/"again.jsonl", seed=0, progress=False)
test_eq((tmp/"again.jsonl").read_bytes(), (tmp/"synalign.jsonl").read_bytes())       # reproducible from the seed

# %% [markdown]
# **Pair tasks need a longer budget.** The pool holds real examples, and real RTE premises run to 30–60 words, much
# longer than the task card's curated shots. With the default 48 new tokens (FewGen's default too), the 135M model's
# premise and hypothesis rarely both fit: 0 of 74 RTE candidates parsed in 40 batches. With
# `sampling=SamplingConfig(max_new_tokens=128, stop=("\n\n",))` 5 of 13 passed the filters (8 of 16 with
# `attributes=False`), in two batches of 4 demonstrations per label.
#
# ### SynAlign shots for other methods
#
# The lighter composition: GP-chosen demonstrations only, as the few-shot pool of a task card. Any method that samples its
# shots from `task.shots` (FewGen, CorrSynth) then uses them. `synalign_shots` returns a copy of the task whose shots
# are `n_per_label` cluster centres per label (plus `k_neighbours` neighbours each, default 0) from the same pool.
# The driver's copy filter then also checks against these shots.

# %%
#| export
def synalign_shots(task, n_per_label: int = 4, k_neighbours: int = 0, pool_size: int = 500, split: str = "train",
                   seed: int = 0, acquisition: str = "variance", tau: float|None = None, min_words: int = 3,
                   spec=None):
    "A copy of `task` whose few-shot pool is GP-chosen demonstrations (`n_per_label` centres per label, plus neighbours) from the real pool."
    import dataclasses
    task = get_task(task)
    pool = load_pool(task, split, pool_size, seed, min_words)
    E = embed_records(pool, task, spec=spec, progress=True)
    demos = select_demonstrations(pool, task, n_per_label=n_per_label, k_neighbours=k_neighbours, embeddings=E, tau=tau,
                                  seed=seed, acquisition=acquisition, labels=task.label_names)
    return dataclasses.replace(task, shots=as_shots(demos))

# %%
show_doc(synalign_shots)

# %%
from synthlab.fewgen import FewGen
sst2_sa = synalign_shots("sst2", n_per_label=4)
print(sst2_sa)
recs_fg = generate(FewGen(k_shots=2, per_label=2), sst2_sa, lm, n=4, seed=0)
for r in recs_fg: print(f"{r['label']:>8}  {r['text']}")

# %%
test_eq(len(sst2_sa.shots), 8); test_eq(Counter(s["label"] for s in sst2_sa.shots), {"negative": 4, "positive": 4})
assert all(s in [{k: p[k] for k in ("text", "label")} for p in pool] for s in sst2_sa.shots)   # shots come from the pool
test_eq(get_task("sst2").shots != sst2_sa.shots, True)                                         # the built-in card is untouched
test_eq(len(recs_fg), 4)

# %% [markdown]
# ## Aligning a generated file
#
# `align_file` is the function behind `synthlab align --synthetic a.jsonl --real sst2:train --out aligned.jsonl`.
# It reads the synthetic records and checks that each has the task's fields and a known label. It loads the real side:
# a `task:split` spec, or a JSONL file together with `task=`. Then it runs `align_records` and writes the resampled
# records to `out` in one atomic replace (never a half-written file, and `out` may even be the input). The report goes
# next to it as `out.report.json`. `n` sets the output size (default: the input size; split across labels in proportion
# to their counts).
#
# Every resampled record gets `meta["synalign_weight"]`: its weight relative to uniform within its label group,
# n_label·ωᵢ. That is 1 for a record the alignment left alone, > 1 for one drawn more often, < 1 for one drawn less
# often. `meta["synalign"]` keeps the raw ω (`weight`) and `source_index`, the record's line number (from 0) in the
# input file.

# %%
#| export
def align_file(synthetic_path,            # JSONL of generated records
               real_spec,                 # real data: "task:split" (e.g. "sst2:train") or a JSONL path (then pass `task`)
               out,                       # where to write the resampled JSONL (atomically); `out`.report.json gets the report
               n: int|None = None,        # records to write (default: as many as read)
               seed: int = 0,
               task=None,                 # Task or name (default: the task of `real_spec`)
               by_label: bool = True, n_real: int = 2000, steps: int = 300, lr: float = 0.05, reg: float = 0.1,
               hidden: int = 0, method: str = "systematic", spec=None) -> dict:
    "Reweight a synthetic JSONL file towards real data by MMD and write the resampled records; returns the report (MMD² before/after)."
    synthetic_path, out = Path(synthetic_path), Path(out)
    syn = read_records(synthetic_path)
    if not syn: raise ValueError(f"{synthetic_path}: no records to align.")
    real_file = isinstance(real_spec, (str, Path)) and str(real_spec).endswith(".jsonl")
    if real_file:
        if task is None: raise ValueError(f"real data {real_spec} is a file: pass `task` to say how its records are read.")
        real = read_records(real_spec)
    else:
        if task is None: task = parse_split_spec(str(real_spec))[0]
        real = str(real_spec)
    task = get_task(task)
    for i, r in enumerate(syn, 1):
        try: task.format_example(r); task.check_label(r.get("label"))
        except ValueError as e: raise ValueError(f"{synthetic_path}: record {i}: {e}") from None
    recs, report = align_records(syn, real, task, by_label=by_label, n_real=n_real, steps=steps, lr=lr, reg=reg,
                                 hidden=hidden, method=method, seed=seed, spec=spec, n=n)
    report = dict(synthetic=str(synthetic_path), real=str(real_spec), out=str(out), task=task.name, n_in=len(syn), **report)
    atomic_write_text(out, "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in recs))
    atomic_write_text(f"{out}.report.json", json.dumps(report, indent=1, default=str))
    return report

# %%
show_doc(align_file)

# %% [markdown]
# The stand-in synthetic set from "On real text" above (SST-2 phrases plus IMDb openings), written to a file, aligned
# to SST-2 validation (embeddings are cached). The output has the same size and labels, and a lower MMD²:

# %%
(tmp/"mixed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in syn))
rep_f = align_file(tmp/"mixed.jsonl", "sst2:validation", tmp/"aligned.jsonl", n_real=300, seed=0)
out_f = read_records(tmp/"aligned.jsonl")
print(f"MMD² {rep_f['mmd2_before']:.4f} → {rep_f['mmd2_after']:.4f}; SST-2 share {share(syn):.2f} → {share(out_f):.2f}; "
      f"{rep_f['unique']} distinct of {rep_f['n']}; weights {min(r['meta']['synalign_weight'] for r in out_f):.2f}"
      f"–{max(r['meta']['synalign_weight'] for r in out_f):.2f}")

# %%
test_eq(len(out_f), len(syn)); test_eq(Counter(r["label"] for r in out_f), Counter(r["label"] for r in syn))
assert rep_f["mmd2_after"] < rep_f["mmd2_before"]
test_eq(rep_f["mmd2_before"], rep["mmd2_before"]); test_eq(out_f, json.loads(json.dumps(aligned)))  # = align_records
test_eq(json.loads((tmp/"aligned.jsonl.report.json").read_text())["mmd2_after"], rep_f["mmd2_after"])
for r in out_f:
    m = r["meta"]
    test_close(m["synalign_weight"], m["synalign"]["weight"]*Counter(s["label"] for s in syn)[r["label"]], eps=1e-4)
small = align_file(tmp/"mixed.jsonl", "sst2:validation", tmp/"small.jsonl", n=101, n_real=300)
test_eq(small["n"], 101); test_eq(_split_quota([300, 300], 101), [51, 50]); test_eq(_split_quota([1, 2, 3], 4), [1, 1, 2]); test_eq(len(read_records(tmp/"small.jsonl")), 101)
(tmp/"bad.jsonl").write_text('{"text": "fine", "label": "positive"}\n{"text": "who knows", "label": "meh"}\n')
test_fail(lambda: align_file(tmp/"bad.jsonl", "sst2:validation", tmp/"x.jsonl"), contains="record 2: unknown label 'meh'")
test_fail(lambda: align_file(tmp/"mixed.jsonl", tmp/"bad.jsonl", tmp/"x.jsonl"), contains="pass `task`")
assert not (tmp/"x.jsonl").exists()
