"""Every bundled rule carries examples of what it must drop and keep; each one is a test here,
so adding a rule means adding its tests."""
import pytest

from cleaner.rules.examples import example_failure
from cleaner.rules.load import default_rules_dir, load_rulesets


def _bundled_examples():
    for ruleset in load_rulesets([default_rules_dir()]):
        for rule in ruleset.rules:
            for n, example in enumerate(ruleset.examples[rule.id], start=1):
                yield pytest.param(rule, example, id=f"{rule.id}#{n}")


@pytest.mark.parametrize("rule, example", list(_bundled_examples()))
def test_bundled_rule_example(rule, example):
    assert example_failure(rule, example) is None


def test_every_bundled_rule_has_drop_and_keep_examples():
    for ruleset in load_rulesets([default_rules_dir()]):
        for rule in ruleset.rules:
            examples = ruleset.examples[rule.id]
            assert any(e.drop or (e.input is not None and e.output != e.input) for e in examples), rule.id
            assert any(e.keep or (e.output or "").strip() for e in examples), rule.id


def test_bundled_rule_ids_are_unique():
    ids = [rule.id for rs in load_rulesets([default_rules_dir()]) for rule in rs.rules]
    assert len(ids) == len(set(ids))
