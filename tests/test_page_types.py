"""Type-aware cleaning: a rule or a whole rule set can say which page types it runs on, and a
document of another type is left alone by it."""
import textwrap

import pytest

from cleaner import Cleaner
from cleaner.document import PAGE_TYPES
from cleaner.rules.load import load_rulesets
from cleaner.rules.model import RuleError

RELATED_LIST = ("Council approves the harbour budget after a long dispute over funding.\n"
                "The vote was 31 to 12, and the first payments will be made in May.\n"
                "Related stories\n"
                "Storm closes the harbour for two days\n"
                "New tram line opens in the east of the city\n")


def write(tmp_path, body):
    path = tmp_path / "typed.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def problems_for(tmp_path, body):
    with pytest.raises(RuleError) as err:
        load_rulesets([write(tmp_path, body)])
    return [str(p) for p in err.value.problems]


def test_bundled_related_rules_run_on_articles_only():
    cleaner = Cleaner()
    article = cleaner.clean_text(RELATED_LIST, page_type="article")
    listing = cleaner.clean_text(RELATED_LIST, page_type="listing")
    assert "Storm closes the harbour" not in article.text
    assert {r.rule for r in article.removed} >= {"related-block"}
    assert listing.text == RELATED_LIST.strip()  # on a listing, the titles are the content
    assert article.metadata["page_type"] == "article" and listing.metadata["page_type"] == "listing"


def test_a_document_of_unknown_type_gets_every_rule():
    assert "Storm closes the harbour" not in Cleaner().clean_text(RELATED_LIST).text


def test_rule_level_page_types_win_over_the_rule_sets(tmp_path):
    path = write(tmp_path, """\
        name: typed
        description: page-typed rules
        page_types: [forum]
        rules:
          - id: forum-signature
            kind: drop-line
            description: a forum signature line
            pattern: '^Sent from my phone$'
            examples: [{drop: Sent from my phone}, {keep: A post.}]
          - id: product-sku
            kind: drop-line
            description: an SKU line on product pages
            page_types: [product, collection]
            pattern: '^SKU: \\d+$'
            examples: [{drop: 'SKU: 123'}, {keep: 'A product.'}]
        """)
    cleaner = Cleaner(rules=[path], use_default_rules=False)
    [ruleset] = cleaner.rulesets
    assert ruleset.page_types == {"forum"}
    rules = {rule.id: rule for rule in ruleset.rules}
    assert rules["forum-signature"].page_types == {"forum"}
    assert rules["product-sku"].page_types == {"product", "collection"}
    text = "Sent from my phone\nSKU: 123\nBody text."
    assert cleaner.clean_text(text, page_type="forum").text == "SKU: 123\nBody text."
    assert cleaner.clean_text(text, page_type="product").text == "Sent from my phone\nBody text."
    assert cleaner.clean_text(text, page_type="article").text == text


def test_examples_can_say_their_page_type(tmp_path):
    """A keep example on a page type the rule does not run on passes; the same text as an
    article fails, so examples prove the restriction."""
    body = """\
        name: typed
        description: page-typed rules
        rules:
          - id: read-more
            kind: drop-line
            description: a read-more teaser
            page_types: [article]
            pattern: '^Read more: '
            examples:
              - drop: 'Read more: Storm closes harbour'
              - keep: 'Read more: Storm closes harbour'
                page_type: listing
        """
    assert load_rulesets([write(tmp_path, body)])[0].rules[0].id == "read-more"
    problems = problems_for(tmp_path, body.replace("page_type: listing", "page_type: article"))
    assert len(problems) == 1 and "read-more: example fails: should keep" in problems[0]


@pytest.mark.parametrize("setting, complaint", [
    ("page_types: [blog]", "unknown page type 'blog' in 'page_types'"),
    ("page_types: article", "'page_types' is a list of page types"),
    ("page_types: []", "'page_types' is a list of page types"),
])
def test_bad_page_types_name_the_file_line_and_rule(tmp_path, setting, complaint):
    problems = problems_for(tmp_path, f"""\
        name: typed
        description: page-typed rules
        rules:
          - id: typed-rule
            kind: drop-line
            description: x
            pattern: '^x$'
            {setting}
            examples: [{{drop: x}}, {{keep: y}}]
        """)
    assert len(problems) == 1 and problems[0].endswith(f":8: typed-rule: {complaint}" + (
        f"; known: {', '.join(PAGE_TYPES)}" if "unknown" in complaint else f": {', '.join(PAGE_TYPES)}"))


def test_an_unknown_page_type_from_the_caller_is_refused():
    with pytest.raises(ValueError, match="unknown page type 'blog'"):
        Cleaner().clean_text("Some text.", page_type="blog")


def test_the_schema_lists_page_types():
    from cleaner.rules.schema import rule_file_schema

    schema = rule_file_schema()
    assert schema["properties"]["page_types"]["items"]["enum"] == list(PAGE_TYPES)
    drop_line = next(s for s in schema["properties"]["rules"]["items"]["oneOf"] if s["title"] == "drop-line")
    assert drop_line["properties"]["page_types"]["items"]["enum"] == list(PAGE_TYPES)
