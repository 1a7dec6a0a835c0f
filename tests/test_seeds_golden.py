"""The five seed articles are the specification: their clean text and metadata are golden."""
import json

import pytest

from conftest import seed_inputs


@pytest.mark.parametrize("source", seed_inputs(), ids=lambda p: p.stem)
def test_seed_clean_text_is_golden(cleaner, source):
    expected = source.with_name(source.stem + ".expected.txt").read_text(encoding="utf-8")
    result = cleaner.clean_text(source.read_text(encoding="utf-8"))
    assert result.text + "\n" == expected


@pytest.mark.parametrize("source", seed_inputs(), ids=lambda p: p.stem)
def test_seed_metadata_is_golden(cleaner, source):
    expected = json.loads(source.with_name(source.stem + ".expected.json").read_text(encoding="utf-8"))
    result = cleaner.clean_text(source.read_text(encoding="utf-8"))
    assert {key: result.metadata.get(key) for key in expected} == expected


def _removed(cleaner, stem):
    source = next(p for p in seed_inputs() if p.stem.startswith(stem))
    return cleaner.clean_text(source.read_text(encoding="utf-8")).removed


@pytest.mark.parametrize("stem, rule, text", [
    ("000", "header-date-title", " date 2021-03-19 Putin invites Biden to online discussions"),
    ("000", "media-label-line", "Photos"),
    ("000", "related-block", "Related Stories"),
    ("000", "related-block", "- Russia ready for cooperation with U.S. on basis of equality: Putin"),
    ("000", "copyright-line", "Copyright © 2021 People's Daily Online. All Rights Reserved."),
    ("001", "repeated-line", "Putin Invites Biden to Virtual Talks"),
    ("001", "related-block", "Related Articles"),
    ("001", "off-topic-paragraph", "HSE reduce weekly vaccine target by 30,000 as AstraZeneca usage paused"),
    ("002", "agency-signature", "(MTI)"),
    ("002", "photo-credit", "Photo: MTI"),
    ("003", "dateline", "Tuesday 23 March 2021 - 00:03"),
    ("003", "article-id-line", "Story Code : 922952"),
    ("003", "comments-widget", "Comment"),
    ("003", "related-block", "Featured Stories"),
    ("003", "related-block", "By Middle East Eye"),
    ("004", "machine-translation-notice", "The article has been automatically translated into English by Google Translate from Russian and has not been edited."),
    ("004", "photo-credit", "Photo: Shutterstock, ForumDaily collage"),
    ("004", "related-block", "Read also on ForumDaily:"),
    ("004", "forumdaily-tag-line", "Miscellaneous Joe Biden Vladimir Vladimirovich Putin USA and Russia Russia and the US At home"),
    ("004", "subscribe-pitch", "Subscribe to ForumDaily on Google News"),
    ("004", "page-timing-footer", "1078 requests in 2,493 seconds."),
])
def test_seed_removal_is_reported_with_its_rule(cleaner, stem, rule, text):
    assert (rule, text) in [(r.rule, r.text) for r in _removed(cleaner, stem)]


def test_removed_subscription_ad_is_reported_repaired(cleaner):
    ad = [r.text for r in _removed(cleaner, "004") if r.text.startswith("Do you want more")]
    assert len(ad) == 1 and "канал в Telegram" in ad[0] and "Р" not in ad[0]


@pytest.mark.parametrize("stem, kept", [
    ("001", '"Mmm hmm, I do", Biden responded.'),
    ("002", "You need to stay in touch"),
    ("002", "Putin said"),
    ("000", "The discussions could be held on Friday or Monday, and the Kremlin is ready at any time convenient for the White House, Putin said."),
    ("004", "Biden called Putin and offered to meet in neutral territory"),
])
def test_article_lines_are_kept(cleaner, stem, kept):
    source = next(p for p in seed_inputs() if p.stem.startswith(stem))
    assert kept in cleaner.clean_text(source.read_text(encoding="utf-8")).text.split("\n")
