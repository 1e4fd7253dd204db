"""The boilerplate rules of `RecordFilter` on replies taken from the study's stored FewGen records (issue 32)."""
import re
import pytest
from synthlab.task import get_task
from synthlab.filters import RecordFilter

AG_ABOUT = [   # AG News, seed 0, kept by the filters before `about_card`: they talk about the card, not news
    "A world news story expressing international affairs, politics and conflicts.",
    "The world news today is international affairs, politics, and conflicts. The story is from a story about a boy "
    "named China's Panchen Lama visiting Tibet.",
    "In a world of global politics, the international affairs and politics and conflicts news article is available in "
    "the world news archives on the internet.",
    "The latest news about China's advancements in computing, the internet, space, and research is being covered by "
    "science and technology news.",
    "A world news article about the latest developments in the Middle East, with a focus on the fight against ISIS.",
    "This new news article is a summary of a business news report that is only 300 words.",
    "A new sports news article, not a story about sports, is set to begin the day of the 11th Olympiad."]
AG_NEWS = [    # news, or close enough: left alone (two-word heads like "world news" appear in real text)
    "The United States has been battling ISIS in Iraq, a conflict that has left hundreds of dead.",
    "Business news is thin on the ground as markets close for the holiday.",
    "The company is set to close its reactors for safety checks.",
    "Microsoft unveils a new search engine for the internet and space research labs."]


@pytest.fixture(scope="module")
def ag(): return RecordFilter(get_task("ag_news"))


@pytest.mark.parametrize("text", AG_ABOUT)
def test_about_card_rejects_study_echoes(ag, text):
    assert ag.about_card(text)
    assert ag.reason({"text": text, "label": "World"}) == "boilerplate"


@pytest.mark.parametrize("text", AG_NEWS)
def test_about_card_keeps_news(ag, text):
    assert not ag.about_card(text)
    assert ag.reason({"text": text, "label": "World"}) is None


def test_about_card_other_cards():
    sst2, trec = RecordFilter(get_task("sst2")), RecordFilter(get_task("trec"))
    assert sst2.reason({"text": "This review sentence expresses a negative opinion of the movie, and the example "
                                "provided is a more specific instance.", "label": "negative"}) == "boilerplate"
    assert sst2.reason({"text": "a positive experience from start to finish , warm and wise .",
                        "label": "positive"}) is None
    for text in ("Your new movie review sentence is already edited but here's how it can be reworded.",   # study sets,
                 "I'd like to see one new movie review sentence.",                                       # kept before
                 "Amber's Pride & Prejudice Movie Review Sentence: \"The film is far-flung and plain stupid."):  # session 50
        assert sst2.reason({"text": text, "label": "negative"}) == "boilerplate", text
    assert trec._self_ref is None                      # a one-word instance name ("question") is not a reference
    assert trec.reason({"text": "What is the question that ends the film ?", "label": "DESC"}) is None
    fresh = RecordFilter(get_task("ag_news"))
    assert not fresh({"text": AG_ABOUT[0], "label": "World"}) and fresh.counts == {"boilerplate": 1}   # counted


# Section tags, the category as subject, fragments (issue 32): replies kept by the filters before these rules,
# from the study's stored FewGen records (AG News, TREC, SST-2 seeds 0-2), and what must be left of each.
TAGGED = [
    ("ag_news", "The World: The World: The company is expanding its operations to support international trade.",
     "The company is expanding its operations to support international trade."),
    ("ag_news", "(Soccer news: Argentina celebrates their 2-0 victory over Spain in the 2018 World Cup.",
     "Argentina celebrates their 2-0 victory over Spain in the 2018 World Cup."),
    ("ag_news", "Companies and markets: The company's results show that it's not grim all over tech world.",
     "The company's results show that it's not grim all over tech world."),
    ("trec", "A new question: What is the most popular sport on Mars?", "What is the most popular sport on Mars?"),
    ("trec", "Q: What's the capital of Tennessee?", "What's the capital of Tennessee?"),   # fresh TREC runs (session 53)
    ("sst2", "The new movie review: A film that has been a huge hit with critics.",
     "A film that has been a huge hit with critics."),
    ("ag_news", "Forthcoming: Japan's NBA season has seen the first-ever games of the season hosted by Tokyo. Sports.",
     "Forthcoming: Japan's NBA season has seen the first-ever games of the season hosted by Tokyo.")]
REJECTED = [
    ("ag_news", "The world news today was filled with exciting news that was made possible by the support of the "
                "international community.", "category_subject"),
    ("ag_news", "The latest news from the world of science and technology includes a variety of scientific "
                "breakthroughs.", "category_subject"),
    ("ag_news", "Sports and gaming news.", "fragment"), ("ag_news", "Companies, Markets and Economies", "fragment"),
    ("ag_news", "Ads in the news: 2015-02-23", "section_tag"),
    ("ag_news", "The Sports and Entertainment section of the news is about a recent cricket match.",
     "category_subject"),
    ("ag_news", "In an international news piece, a story about World War II might follow.", "self_reference"),
    ("ag_news", "A new international news article has been created by the AG News Corpus, showcasing the latest news.",
     "self_reference"),
    ("trec", "I'm excited to share a new question! What's your favorite holiday?", "self_reference"),
    ("trec", "A question about how many miles a ten K run is.", "self_reference"),
    ("sst2", "This review sentence conveys a negative opinion about a film released by social-spend, SVY-2.",
     "self_reference"),                                             # `make demo`'s records at seed 0
    ("trec", "I'm ready to help. What would you like to ask?", "assistant_voice"),
    ("trec", "What is a place or location in the context of a place?", "description_tail")]
KEPT = [   # real-looking texts the three rules leave alone
    ("ag_news", "News: U.S. tackles Emergency Alert System insecurity The FCC acknowledges a flaw in the system."),
    ("ag_news", "Soccer: Brazil's national team faces a 3-1 defeat at home to Italy in the World Cup final."),
    ("ag_news", "Business news is thin on the ground as markets close for the holiday."),
    ("ag_news", "Markets slow and the economy shrinks as oil prices soar, the central bank says."),
    ("ag_news", "A New York Times article describes a company that is experimenting with cutting-edge computing."),
    ("ag_news", "The United States has been battling ISIS in Iraq, a conflict that has left hundreds of dead."),
    ("trec", "Who asked the musical question : `` Have you ever been to electric lady land ? ''"),
    ("sst2", "is a question for philosophers , not filmmakers ; all the filmmakers need to do is engage an audience ."),
    ("sst2", "I'm so glad I stumbled upon this film. It's a great blend of creative and mature elements."),
    ("sst2", "a gorgeous mess .")]


@pytest.fixture(scope="module")
def filters(): return {t: RecordFilter(get_task(t)) for t in ("ag_news", "trec", "sst2")}


def label_for(f: RecordFilter, text: str) -> str:
    "The first label a record of `text` fairly takes: not another label than the shot it rewrites (`other_label_shot`)."
    from synthlab.neardup import normalise
    return next(y for y in f.task.label_names if not f._other_label_shot({"label": y}, normalise(text)))


@pytest.mark.parametrize("task,text,want", TAGGED)
def test_section_tags_stripped(filters, task, text, want):
    new, why = filters[task].clean({"text": text, "label": label_for(filters[task], want)})
    assert why is None and new["text"] == want and new["meta"]["stripped"]["text"]


@pytest.mark.parametrize("task,text,why", REJECTED)
def test_shapes_rejected_with_their_reason(filters, task, text, why):
    assert filters[task].reason({"text": text, "label": label_for(filters[task], text)}) == why


@pytest.mark.parametrize("task,text", KEPT)
def test_shapes_keep_instances(filters, task, text):
    f = filters[task]
    assert not (f.section_tag(text) or f.names_category(text) or f.calls_itself(text) or f.assistant_voice(text)
                or f.echoes_tail(text) or f.fragment(text))


def test_shapes_counted_by_reason():
    f = RecordFilter(get_task("ag_news"))
    for text, _ in [(t, w) for task, t, w in REJECTED if task == "ag_news"]: f({"text": text, "label": "World"})
    assert f.counts == {"category_subject": 3, "fragment": 2, "section_tag": 1, "self_reference": 2}


REAL = [("trec", "train"), ("ag_news", "train"), ("sst2", "train"), ("rte", "train"), ("cb", "train"),
        ("copa", "train"), ("boolq", "validation"), ("imdb", "test")]


@pytest.mark.parametrize("task,split", REAL)
def test_shapes_touch_no_real_text(task, split):
    "No real text of these splits (every long field) opens with a section tag, the category or the assistant's voice, "
    "calls itself a new instance, holds the end of a label description or is a fragment."
    from synthlab.data import load_split
    t = get_task(task); f = RecordFilter(t); rows = load_split(t, split).to_list()
    assert rows
    hits = [r[x] for r in rows for x in t.long_fields
            if any(rule(r[x]) for rule in (lambda s: f.untag(s)[1], f.names_category, f.calls_itself, f.assistant_voice,
                                              f.echoes_tail))
            or f.fragment(r[x], x)]
    assert hits == []


@pytest.mark.parametrize("task,split", REAL + [("sst2", "validation"), ("wic", "validation")])
def test_about_card_touches_no_real_text(task, split):
    "No real text holds a label description's four words in order or names itself an instance of the card."
    from synthlab.data import load_split
    t = get_task(task); f = RecordFilter(t)
    texts = [r[x] for r in load_split(t, split).to_list() for x in t.long_fields]
    assert texts and [s for s in texts if f.about_card(s)] == []


def test_a_reply_opening_with_a_shot_copies_it():
    "A reply that opens with a near copy of a shot of ≥ 5 words and goes on is `copies_shot`; a shared opening is not."
    f = RecordFilter(get_task("sst2"))
    shot = f.task.shots[0]["text"]                       # "the story is far-flung , illogical , and plain stupid . "
    assert f.reason({"text": shot.rstrip(" .") + " , which made it difficult to watch .", "label": "positive"}) == "copies_shot"
    assert f.reason({"text": "the story is far-flung and wonderfully strange , a treat from start to finish .",
                     "label": "positive"}) is None


# A card of your own (tests/conftest.py's bank card, no data): FewGen records at seed 3 that the rules before these kept,
# read in session 23, and the reason each now gets.
OWN_CARD_REJECTED = [
    ("Sure, here is one.", "boilerplate"),                                   # a whole reply of preamble
    ("Hi [User's Name],", "placeholder"),                                    # a template's slot
    ("Hi [CustomerName] I'm having a bit of a bad day. I just lost my wallet full of cash after an unexpected credit card "
     "transaction.", "placeholder"),                                         # a slot in one word (session 47, seed 0)
    ('## Re: "I recently lost my bank card from a credit card vendor..."', "markup"),
    ("The customer wants to know how the server handles foreign transactions, and what they can expect in conversions.",
     "self_reference"),                                                      # opens as the label descriptions do
    ("(The customer asks for a currency exchange rate on the basis of US dollars to British pounds to EUR to USD.",
     "self_reference")]
OWN_CARD_KEPT = ["I think I left my wallet on the bus, can you block my card?",
                 "The customer service line kept me waiting for an hour, I just want my money back.",
                 "What is the rate for [EUR to USD] today?",   # brackets that are no slot
                 "Can [McDonald] refund the fee?"]             # nor a name in two capitalised parts


@pytest.mark.parametrize("text,why", OWN_CARD_REJECTED)
def test_own_card_shapes_rejected(card_without_data, text, why):
    f = RecordFilter(get_task(str(card_without_data)))
    assert f.reason({"text": text, "label": "refund"}) == why


@pytest.mark.parametrize("text", OWN_CARD_KEPT)
def test_own_card_instances_kept(card_without_data, text):
    assert RecordFilter(get_task(str(card_without_data))).reason({"text": text, "label": "refund"}) is None


def test_description_subject_only_where_every_description_opens_with_it():
    "The subject rule is on for cards whose descriptions share a determiner + noun opening ('the hypothesis'), else off."
    assert RecordFilter(get_task("rte"))._subject is not None and RecordFilter(get_task("trec"))._subject is not None
    assert all(RecordFilter(get_task(t))._subject is None for t in ("sst2", "ag_news", "imdb", "copa"))


@pytest.mark.parametrize("task,split", REAL + [("wic", "validation"), ("trec", "test"), ("sst2", "validation")])
def test_placeholder_markup_and_subject_touch_no_real_text(task, split):
    from synthlab.data import load_split
    from synthlab.filters import _PLACEHOLDER, _MARKUP, _QA_LEAD, strip_boilerplate
    t = get_task(task); f = RecordFilter(t)
    texts = [r[x] for r in load_split(t, split).to_list() for x in t.long_fields]
    assert texts and [s for s in texts if _PLACEHOLDER.search(s) or _MARKUP.match(s) or f.calls_itself(s)] == []
    qa = ["the answer is clear : not easily and , in the end , not well enough . "] if (task, split) == ("sst2", "train") else []
    assert [s for s in texts if _QA_LEAD.match(s)] == qa                  # "The answer is: …", "Q: …": never a real text
    here = [s for s in texts if re.match(r"\W*(?:(?:sure|ok|okay|certainly)\W+)?(?:here|below)\b", s, re.I)]
    assert [s for s in here if strip_boilerplate(s, len(t.fields) == 1)[0] is None] == []   # "here 's a fun one ." stays


def test_no_question_on_a_card_of_questions(card_without_data):
    "Where every shot asks something, a record that asks nothing is `no_question`; elsewhere the rule is off."
    from synthlab.data import load_split
    trec = RecordFilter(get_task("trec"))
    assert trec.reason({"text": "BUD stands for Biological Anthropology.", "label": "ABBR"}) == "no_question"
    assert trec.reason({"text": "What does NATO stand for ?", "label": "ABBR"}) is None
    texts = [r["text"] for r in load_split(get_task("trec"), "test").to_list()]
    assert [t for t in texts if trec.reason({"text": t, "label": "NUM"}) == "no_question"] == [
        "Name a stimulant .", "Name a food high in zinc ."]                      # real questions it rejects: 2 of 500
    own = get_task(card_without_data)
    assert RecordFilter(get_task("sst2"))._asks == [] and RecordFilter(own)._asks == []
    asking = own.derived(shots=[{**s, "text": s["text"].rstrip(".") + "?"} for s in own.shots])
    assert RecordFilter(asking).reason({"text": "My card was stolen yesterday.", "label": asking.label_names[0]}) == \
        "no_question"


@pytest.mark.parametrize("task,split", REAL + [("trec", "test"), ("sst2", "validation")])
def test_other_label_shot_touches_no_real_text(task, split):
    "No real row is as close to a shot of another label as a relabelled copy (cards of one text; pairs have no rule)."
    from synthlab.data import load_split
    t = get_task(task); f = RecordFilter(t)
    assert (f._by_label == {}) == (len(t.fields) > 1)
    assert [r for r in load_split(t, split).to_list() if f._other_label_shot(r, f._key(r))] == []


def test_other_label_shot_rejects_relabelled_copies():
    sst2, trec = RecordFilter(get_task("sst2")), RecordFilter(get_task("trec"))
    copy = "The movie's story is far-flung, illogical, and plain stupid."       # a study record, from a negative shot
    assert sst2.reason({"text": copy, "label": "positive"}) == "other_label_shot"
    assert sst2.reason({"text": copy, "label": "negative"}) is None
    assert trec.reason({"text": "What was the highest waterfall in the United States?", "label": "HUM"}) == "other_label_shot"


@pytest.mark.parametrize("task,split", REAL + [("trec", "test"), ("sst2", "validation"), ("ag_news", "test")])
def test_copies_description_touches_no_real_text(task, split):
    "No real row holds six words in a row of its card's description, save the example SST-2's description quotes."
    from synthlab.data import load_split
    from synthlab.filters import shingles, normalise, DESCRIPTION_SPAN
    t = get_task(task); f = RecordFilter(t)
    hits = [f._key(r) for r in load_split(t, split).to_list() if shingles(f._key(r), DESCRIPTION_SPAN) & f._description]
    quoted = normalise("a satisfying well-made romantic comedy that 's both charming and well acted")   # a train row
    assert all(shingles(h, DESCRIPTION_SPAN) & shingles(quoted, DESCRIPTION_SPAN) for h in hits), hits[:3]
    assert len(hits) == (7 if (task, split) == ("sst2", "train") else 0)


def test_copies_description_rejects_echoes(card_without_data):
    sst2 = RecordFilter(get_task("sst2"))
    for text in ("A movie that 's both charming and well acted .",          # study records: the card's quoted example
                 "The film a satisfying well-made romantic comedy that was both charming and well acted."):
        assert sst2.reason({"text": text, "label": "positive"}) == "copies_description"
    assert sst2.reason({"text": "A movie that is charming and well acted .", "label": "positive"}) is None
    own = get_task(card_without_data)                                       # a card of your own: its description's words
    words = own.description.split()
    echo = " ".join(["Honestly,"] + words[:6] + ["today."])
    assert RecordFilter(own).reason({"text": echo, "label": own.label_names[0]}) == "copies_description"


def test_markdown_bold_is_stripped_unless_the_shots_use_it():
    "Markdown bold markers around words go (kept record, `meta.stripped`); a card whose shots use '**' keeps them."
    sst2 = get_task("sst2"); f = RecordFilter(sst2)
    new, why = f.clean({"text": "The movie is a **horrible** **comic** with **terrible** cinematography.", "label": "negative"})
    assert why is None and new["text"] == "The movie is a horrible comic with terrible cinematography."
    assert new["meta"]["stripped"] == {"text": ["**"]}
    new, why = f.clean({"text": "The movie was a **fantastic romantic comedy** that **struggled with **shame**.",
                        "label": "positive"})                              # a broken pair: its stray markers go too
    assert why is None and "*" not in new["text"], new["text"]
    censored = "The movie's a cringe-inducing *****. Not only did it fail to impress me, it bored me."
    assert f.clean({"text": censored, "label": "negative"})[0]["text"] == censored  # no marker around a word: left as it is
    bold = sst2.derived(shots=[{**s, "text": f"**{s['text'].strip()}**"} if i == 0 else s for i, s in enumerate(sst2.shots)])
    new, why = RecordFilter(bold).clean({"text": "The movie is a **horrible** comic.", "label": "negative"})
    assert why is None and new["text"] == "The movie is a **horrible** comic."


FEELINGS = dict(name="feelings", instance="post", description="Posts about a day.", templates={}, labels={
    "joy": "the writer is happy, glad or excited", "anger": "the writer is angry, annoyed or furious",
    "sadness": "the writer is sad, lonely or disappointed", "fear": "the writer is afraid, anxious or worried"},
    shots=[{"text": t, "label": y} for t, y in [("finally got the job offer today!!", "joy"), ("who parks across two spaces??", "anger"),
                                                 ("miss my grandma so much today", "sadness"), ("exam results tomorrow, cannot sleep", "fear")]])


@pytest.mark.parametrize("text,why", [
    ("fear, anxious or worried", "description_tail"),                     # read in a demo's curated set on such a card
    ("post from anger, annoyed or furious", "description_tail"),
    ("The writer's new post above about their fear, anxious or worried will be shared.", "self_reference"),
    ("This was just another text in which a writer expressed his anger, annoyed, or furious.", "self_reference")])
def test_label_named_tails_and_the_subject_anywhere(text, why):
    f = RecordFilter(get_task("sst2").derived(**FEELINGS))
    assert f.reason({"text": text, "label": "fear"}) == why
    assert f.reason({"text": "so anxious or worried about tomorrow", "label": "fear"}) is None   # a tail alone stays


@pytest.mark.parametrize("task,split", REAL + [("trec", "test"), ("sst2", "validation"), ("ag_news", "test"),
                                               ("wic", "validation")])
def test_label_named_tails_and_subject_anywhere_touch_no_real_text(task, split):
    "The two wider rules match no real text that the narrower ones before them did not."
    from synthlab.data import load_split
    from synthlab.filters import normalise
    t = get_task(task); f = RecordFilter(t)
    texts = [str(r[x]) for r in load_split(t, split).to_list() for x in t.long_fields]
    assert [s for s in texts if f._subject is not None and f._subject_anywhere.search(s) and not f._subject.match(s)] == []
    named = {x for x in f._tails if x.split()[0] in {normalise(y) for y in t.label_names}}
    assert named or len(t.fields) > 1 or t.name == "imdb", t.name              # built-in cards of one text have some
    assert [s for s in texts if any(f" {x} " in f" {normalise(s)} " for x in named)] == []


@pytest.mark.parametrize("text,kept,marks", [   # replies from the study's stored SST-2 sets and a fresh float32 run
    ('“This movie provides a great over-the-top spin on the classic comic book tale, making it even more compelling.',
     "This movie provides a great over-the-top spin on the classic comic book tale, making it even more compelling.", ["“"]),
    ('The film is a bit too light and unrefined for my taste and I will never recommend it to anyone looking for a rom-com."',
     "The film is a bit too light and unrefined for my taste and I will never recommend it to anyone looking for a rom-com.", ['"']),
    ('"A new comedy that has a warm, inviting, and unexpectedly funny ending."',
     "A new comedy that has a warm, inviting, and unexpectedly funny ending.", ['""']),
    ('The movie "Echoes of the Past" is a cultural icon of Japanese cinema.',     # its own quotation: left as it is
     'The movie "Echoes of the Past" is a cultural icon of Japanese cinema.', None),
    ('Here is a possible response: "Inception" is the rare thriller that is truly "smart"',   # after a preamble too
     '"Inception" is the rare thriller that is truly "smart"', ["Here is a possible response:"])])
def test_lone_and_wrapping_quotes_are_stripped(text, kept, marks):
    new, why = RecordFilter(get_task("sst2")).clean({"text": text, "label": "positive"})
    assert why is None and new["text"] == kept
    assert new.get("meta", {}).get("stripped") == ({"text": marks} if marks else None)


def test_a_cut_inside_a_quotation_is_truncated():
    "A reply cut at the cap whose last whole sentence sits inside a quotation that never closes is not kept."
    f = RecordFilter(get_task("sst2"))
    raw = ('In describing the movie "The Matrix", the sentence is: "The Matrix is a movie that boasts a depiction of '
           'redemption in the world of dreams. A movie about peace and compassion and great artistry in the pursuit of')
    assert f.reason({"text": raw, "label": "positive", "meta": {"finish_reason": "length", "raw": raw}}) == "truncated"
    raw = '"This film delivers a thoughtful and well-crafted thriller that has been largely overlooked. A story that deserves'
    new, why = f.clean({"text": raw, "label": "positive", "meta": {"finish_reason": "length", "raw": raw}})
    assert why is None and new["text"] == "This film delivers a thoughtful and well-crafted thriller that has been largely overlooked."
    quoted = get_task("sst2").derived(shots=[{**s, "text": f'"{s["text"].strip()}"'} for s in get_task("sst2").shots])
    assert RecordFilter(quoted).clean({"text": '"A warm film."', "label": "positive"})[0]["text"] == '"A warm film."'


@pytest.mark.parametrize("task,split", REAL + [("sst2", "validation"), ("ag_news", "test")])
def test_quote_repairs_touch_almost_no_real_text(task, split):
    "Real texts hardly ever hold one lone quote at an end or are wrapped in quotes (RTE train: 2 of 2,490)."
    from synthlab.data import load_split
    from synthlab.filters import strip_lone_quotes
    t = get_task(task)
    hits = [r[x] for r in load_split(t, split).to_list() for x in t.long_fields if strip_lone_quotes(r[x])[1]]
    assert len(hits) <= (2 if (task, split) == ("rte", "train") else 0), hits[:3]


@pytest.mark.parametrize("task,text,why", [   # replies read in `make demo`'s curated set and in fresh FewGen runs (session 52)
    ("sst2", "Can only create a sentence that is entirely in negative language.", "assistant_voice"),
    ("sst2", "A love to the team! A big (positive) 4.", "label_leak"),
    ("sst2", "The thing about the (positive) movie. It's almost impossible to like these despicable characters.", "label_leak"),
    ("trec", "Scientists use acronyms (ABBR) every day, and even in audio. My favorite source of this artificial language?", "label_leak"),
    ("ag_news", "Soccer: North Carolina A&M vs. Virginia Tech (Sports) in a game on Sunday night.", "label_leak")])
def test_a_label_named_aside_and_talk_of_writing_one(task, text, why):
    t = get_task(task)
    assert RecordFilter(t).reason({"text": text, "label": t.label_names[0]}) == why
    new, why = RecordFilter(get_task("ag_news")).clean({"text": "Argentina beat Spain 2-1 in a friendly on Sunday. (Sports)",
                                                         "label": "Sports"})   # a label tag at the end: stripped, kept
    assert why is None and new["text"] == "Argentina beat Spain 2-1 in a friendly on Sunday."


@pytest.mark.parametrize("task,split", REAL + [("trec", "test"), ("sst2", "validation"), ("ag_news", "test"),
                                               ("wic", "validation"), ("rte", "validation")])
def test_label_asides_and_task_talk_touch_no_real_text(task, split):
    from synthlab.data import load_split
    from synthlab.filters import _TASK_TALK, _EXAMPLES_TALK
    t = get_task(task); f = RecordFilter(t)
    texts = [str(r[x]) for r in load_split(t, split).to_list() for x in t.long_fields]
    assert [s for s in texts if f._aside.search(s) or _TASK_TALK.search(s) or _EXAMPLES_TALK.search(s)] == []


@pytest.mark.parametrize("task,text", [   # kept by the filters before session 53: the study's stored sets, a fresh run
    ("sst2", "This time I'll not copy examples but I'll explain why I found this movie unsatisfying."),
    ("sst2", "In this latest movie review, I'm not going to copy the examples."),
    ("sst2", "The movie's \"far-flung and illogical\" and \"platyrocked\" descriptions do not fit the original example."),
    ("sst2", "While a satisfying romantic comedy is a gem, there's just one option (not copied from previous examples!)."),
    ("ag_news", "Computing and the internet continue to reshape the landscape of science and technology, as is evident "
                "from the examples above."),
    ("trec", "What do the numbers 4, 5, 6, and 7 in the above examples represent?")])
def test_talk_of_the_examples_is_assistant_voice(task, text):
    t = get_task(task)
    assert RecordFilter(t).reason({"text": text, "label": t.label_names[0]}) == "assistant_voice"


@pytest.mark.parametrize("text", [   # the study's stored SST-2 sets (CorrSynth r = 2, SynAlign, full) and a fresh CorrSynth run
    "this sentence is entirely my own.", "This sentence is unique because it combines two examples into one sentence.",
    "In this sentence, I'll choose to express a positive opinion, which is the same as my previous response.",
    "the above sentence can be edited to one sentence with only the information given."])
def test_a_reply_calling_itself_this_sentence(text):
    assert RecordFilter(get_task("sst2")).reason({"text": text, "label": "positive"}) == "self_reference"
    wic = RecordFilter(get_task("wic"))                                  # a card of two texts: left alone
    assert not wic._this_sentence and not wic.calls_itself("This sentence violates the rules of syntax.")


@pytest.mark.parametrize("task,split", REAL + [("trec", "test"), ("sst2", "validation"), ("ag_news", "test")])
def test_this_sentence_and_requests_touch_no_real_text_of_one_text_cards(task, split):
    from synthlab.data import load_split
    from synthlab.filters import _THIS_SENTENCE, _REQUEST
    t = get_task(task); f = RecordFilter(t)
    assert f._this_sentence == f._requests == (len(t.fields) == 1)
    texts = [str(r[x]) for r in load_split(t, split).to_list() for x in t.long_fields]
    assert [s for s in texts if f._this_sentence and _THIS_SENTENCE.search(s)] == []
    assert [s for s in texts if f._requests and _REQUEST.search(s)] == []


@pytest.mark.parametrize("text", [   # a fresh SynAlign run (session 53) and the study's stored SST-2 sets
    "Please add a short and sweet review of a pricier treasure to the last line of your feedback.",
    "Instead of repeating a long list of emotions, please provide a one-line glowing description for the movie.",
    "In your answer, please keep your own language and formatting consistent throughout.",
    "In your response, please provide a revised sentence based on the feedback provided."])
def test_a_request_to_write_is_assistant_voice(text):
    assert RecordFilter(get_task("sst2")).reason({"text": text, "label": "positive"}) == "assistant_voice"


@pytest.mark.parametrize("text", [   # a customer's own requests, on a card of customer messages: instances, kept
    "Please provide the exchange rate for euros today.", "Please reply as soon as possible, my card is gone.",
    "Can you please keep my account open while I wait for the new card?", "Please add the refund to my savings account.",
    "In your reply please tell me when the money comes back.",
    "I followed the examples on your website but the transfer to my euro account failed."])   # bare "the examples"
def test_a_customers_own_words_are_kept(card_without_data, text):
    t = get_task(str(card_without_data))
    assert RecordFilter(t)._requests and RecordFilter(t).reason({"text": text, "label": t.label_names[1]}) is None
