"""The boilerplate rules of `RecordFilter` on replies taken from the study's stored FewGen records (issue 32)."""
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
    assert trec._self_ref is None                      # a one-word instance name ("question") is not a reference
    assert trec.reason({"text": "What is the question that ends the film ?", "label": "DESC"}) is None
    fresh = RecordFilter(get_task("ag_news"))
    assert not fresh({"text": AG_ABOUT[0], "label": "World"}) and fresh.counts == {"boilerplate": 1}   # counted
