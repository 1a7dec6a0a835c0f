"""Invariants over arbitrary input: cleaning only removes or repairs, and cleaning twice equals once."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.repair import repair_text
from conftest import seed_inputs

SEED_LINES = [line for p in seed_inputs() for line in p.read_text(encoding="utf-8").split("\n")]
# Documents built from real seed lines (so rules fire) mixed with arbitrary text.
documents = st.lists(st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=80)), max_size=40).map("\n".join)


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(line == candidate for candidate in it) for line in small)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_cleaning_only_removes_or_repairs(cleaner, text):
    result = cleaner.clean_text(text)
    repaired = [line.rstrip() for line in repair_text(text).split("\n")]
    kept = [line for line in result.text.split("\n") if line.strip()]
    stripped = {r.line for r in result.removed if any(l.number == r.line and l.kept for l in result.lines)}
    # Every kept line is a repaired input line, in order (lines a strip rule cut are shorter parts of one).
    whole = [line for line in kept if line in repaired]
    assert _is_subsequence(whole, repaired)
    assert len(kept) - len(whole) <= len(stripped)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_cleaning_twice_equals_once(cleaner, text):
    once = cleaner.clean_text(text).text
    assert cleaner.clean_text(once).text == once


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.booleans())
def test_any_bytes_give_exactly_one_record_or_error(cleaner, data, html):
    from cleaner.engines.outcome import process
    from cleaner.io.sources import InputItem

    record, error = process(cleaner, InputItem("doc", "html" if html else "text", data, "doc"))
    assert (record is None) != (error is None)
    if error is not None:
        assert error["id"] == "doc" and error["error"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises_and_is_idempotent(cleaner, text):
    once = cleaner.clean_text(text).text
    assert cleaner.clean_text(once).text == once
