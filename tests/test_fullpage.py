"""Full-page text dumps: the article is found from the text alone, clean text is left alone,
and a site's chrome is learned from a folder of its pages."""
import dataclasses
import json
import os
import subprocess
import sys

import pytest
import yaml

from conftest import FIXTURES, run_cli, seed_inputs

from cleaner import Cleaner
from cleaner.fullpage.chrome import RULE_ID, ChromeLearner, learn_chrome
from cleaner.fullpage.maincontent import MainContentSettings, judge
from cleaner.rules.load import load_rulesets
from cleaner.rules.model import RuleError
from cleaner.io.sources import iter_inputs

FULLPAGE = FIXTURES / "fullpage"
DUMPS = sorted(p for p in (FULLPAGE / "dumps").glob("*.txt") if ".expected" not in p.name)
CLEAN = sorted((FULLPAGE / "clean").glob("*.txt"))
SITE = FULLPAGE / "site-riverside"


@pytest.mark.parametrize("source", DUMPS, ids=lambda p: p.stem)
def test_dump_is_cut_to_its_article(cleaner, source):
    expected = source.with_name(source.stem + ".expected.txt").read_text(encoding="utf-8")
    result = cleaner.clean_text(source.read_text(encoding="utf-8"))
    assert result.text + "\n" == expected
    assert any(r.rule == "main-content" for r in result.removed)


@pytest.mark.parametrize("source", DUMPS, ids=lambda p: p.stem)
def test_cleaning_a_dump_twice_changes_nothing(cleaner, source):
    once = cleaner.clean_text(source.read_text(encoding="utf-8")).text
    assert cleaner.clean_text(once).text == once


def test_dump_menu_and_footer_go_and_article_stays(cleaner):
    result = cleaner.clean_text((FULLPAGE / "dumps" / "en_riverside_page1.txt").read_text(encoding="utf-8"))
    lines = result.text.split("\n")
    # This page has no title line for the headline to repeat, so nothing anchors the headline:
    # it stays only if the trees give it keep_probability (the trees of both development sets do;
    # those of the 990 pages alone gave it 0.35).
    assert lines[0] == "Council approves new footbridge over the river"
    assert lines[2].startswith("The town council voted on Tuesday to build a footbridge")
    assert "Construction is due to start next spring and should take eighteen months, the council's planning office said." in lines
    for chrome in ("Skip to content", "Obituaries", "Most read", "Privacy policy", "Library reopens after renovation"):
        assert chrome not in lines
    assert ("main-content", "Obituaries") in [(r.rule, r.text) for r in result.removed]


@pytest.mark.parametrize("source", seed_inputs() + CLEAN, ids=lambda p: p.stem)
def test_clean_article_text_is_not_taken_for_a_dump(cleaner, source):
    result = cleaner.clean_text(source.read_text(encoding="utf-8"))
    assert not [r for r in result.removed if r.rule == "main-content"]


def test_main_content_can_be_turned_off_in_yaml(tmp_path):
    source = FULLPAGE / "dumps" / "en_riverside_page1.txt"
    rules = yaml.safe_load((FULLPAGE.parent.parent / "rules" / "generic" / "main-content.yaml").read_text())
    rules["name"] = "main-content-off"
    rules["rules"][0]["id"] = "main-content-off"
    rules["rules"][0]["enabled"] = False
    rules["rules"][0]["line_model"] = str(FULLPAGE.parent.parent / "rules" / "generic" / "main-content.model.json")
    (tmp_path / "off.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    only = [rs for rs in Cleaner().rulesets if rs.name != "main-content"] + load_rulesets([tmp_path / "off.yaml"])
    result = Cleaner(rulesets=only).clean_text(source.read_text(encoding="utf-8"))
    assert "Obituaries" in result.text.split("\n")


def test_text_extracted_from_html_is_left_to_the_extractor_unless_html_input_is_on(tmp_path):
    text = (FULLPAGE / "dumps" / "en_riverside_page1.txt").read_text(encoding="utf-8")
    as_dump = Cleaner().clean_text(text)
    as_extracted = Cleaner().clean_text(text, from_html=True)
    assert any(r.rule == "main-content" for r in as_dump.removed)
    assert not any(r.rule == "main-content" for r in as_extracted.removed)
    rules = yaml.safe_load((FULLPAGE.parent.parent / "rules" / "generic" / "main-content.yaml").read_text())
    rules["rules"][0]["html_input"] = True
    rules["rules"][0]["line_model"] = str(FULLPAGE.parent.parent / "rules" / "generic" / "main-content.model.json")
    (tmp_path / "on.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    only = [rs for rs in Cleaner().rulesets if rs.name != "main-content"] + load_rulesets([tmp_path / "on.yaml"])
    assert Cleaner(rulesets=only).clean_text(text, from_html=True).text == as_dump.text


def test_stopword_density_works_beyond_english():
    # A French page: menu, article, footer. Nothing in the rule knows French.
    menu = ["Accueil", "Actualités", "Politique", "Économie", "Culture", "Sport", "Météo", "Opinions",
            "Vidéos", "Podcasts", "Newsletters", "Se connecter", "S'abonner"]
    article = ["Le conseil municipal a adopté mardi soir le budget de la ville, après un long débat sur le "
               "financement des écoles et des transports.",
               "Les élus de l'opposition ont voté contre, en estimant que les dépenses pour la culture "
               "étaient trop faibles par rapport aux années précédentes.",
               "Le maire a promis de revenir sur la question au printemps, lorsque les comptes de l'année "
               "seront connus."]
    footer = ["Mentions légales", "Contact", "Publicité", "Plan du site", "Cookies"]
    verdict = judge(menu + article + footer, MainContentSettings())
    assert verdict.language == "French"
    assert [t for t, keep in zip(menu + article + footer, verdict.keep) if keep] == article


def test_chrome_is_learned_per_site_and_dropped_with_its_rule_id():
    chrome = learn_chrome(iter_inputs([str(SITE)]), min_documents=3, min_share=0.5)
    lines = dict(chrome.lines_for(SITE.as_posix()))
    assert lines["Obituaries"] == 6 and lines["Cookie settings"] == 6
    assert not [line for line in lines if "footbridge" in line or "bakery" in line.lower()]
    page = SITE / "page-2.txt"
    result = Cleaner(chrome=chrome).clean_text(page.read_text(encoding="utf-8"), path=str(page))
    assert ("learned-chrome", "Sign up for our morning newsletter and get the day's local news in your inbox.") in [
        (r.rule, r.text) for r in result.removed]
    assert result.text.split("\n")[0] == "Bakery on Mill Street closes after 80 years"
    # Another site's documents are not touched by this site's chrome.
    other = Cleaner(chrome=chrome).clean_text("Home\nA line of text.", url="https://elsewhere.example/a")
    assert not [r for r in other.removed if r.rule == RULE_ID]


def test_chrome_learner_memory_is_bounded():
    learner = ChromeLearner(min_documents=2, max_lines_per_group=50)
    for n in range(40):
        learner.add(f"Menu\nFooter\nunique line {n} a\nunique line {n} b", group="site")
    stats = learner.groups["site"]
    assert len(stats.counts) <= 50 + 4
    assert dict(learner.learned().lines_for("site")) == {"Menu": 40, "Footer": 40}


def test_clean_command_learns_chrome_from_a_folder(tmp_path):
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(SITE), "--format", "jsonl", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert b"learned chrome: " in proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 6
    for record in records:
        assert "Privacy policy" not in record["text"]
        assert any(r["rule"] == "learned-chrome" for r in record["removed"])
    proc = run_cli("clean", str(SITE), "--no-learn-chrome", "--format", "jsonl", "--output", str(out))
    assert b"learned chrome" not in proc.stderr
    assert not any(r["rule"] == "learned-chrome" for line in out.read_text(encoding="utf-8").splitlines()
                   for r in json.loads(line)["removed"])


def test_rules_suggest_proposes_chrome_not_articles(tmp_path):
    target = tmp_path / "riverside.yaml"
    proc = run_cli("rules", "suggest", str(SITE), "--output", str(target), "--domain", "riverside.example")
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    proposed = {rule["examples"][0]["drop"]: rule["description"] for rule in data["rules"]}
    for chrome in ("Skip to content", "Obituaries", "Most read", "Privacy policy",
                   "© 2023 Riverside Gazette. All rights reserved."):
        assert chrome in proposed
    assert "seen in 6 of 6 documents" in proposed["Obituaries"]
    article_lines = {line for page in SITE.glob("*.txt") for line in page.read_text(encoding="utf-8").splitlines()
                     if len(line) > 80}
    assert not article_lines & set(proposed)
    assert not [line for line in proposed if "footbridge" in line or "Bakery" in line]
    # The proposal is a valid rule set: it loads, its examples pass, and it drops the chrome.
    (ruleset,) = load_rulesets([target])
    assert ruleset.domains == ["riverside.example"]
    result = Cleaner(rulesets=[ruleset]).clean_text("Obituaries\nThe bridge opened.", url="https://riverside.example/x")
    assert result.text == "The bridge opened."


def _settings(**changes):
    """The settings the bundled main-content rule runs (its declared defaults), with `changes`."""
    return dataclasses.replace(MainContentSettings(), **changes)


HARBOUR_TITLE = "Harbour reopens after the storm | Coastal Times"
HARBOUR_MENU = ["Home", "News", "Sport", "Weather", "Harbour reopens after the storm", "Opinion", "Contact", "Jobs",
                "Events", "Archive", "Shop"]
HARBOUR_ARTICLE = ["Harbour reopens after the storm",
                   "The harbour reopened on Friday after a week in which the storm had kept every boat in port "
                   "and the fish market closed.",
                   "Divers checked the walls of the outer basin on Thursday and found less damage than the "
                   "harbour master had feared when the waves broke over the pier."]
# A login dialog left at the end of the page: more prose than the article, and nothing to do with it.
HARBOUR_DIALOG = ["Log in to your account",
                  "If you already have an account with us, you can log in here with the e-mail address and the "
                  "password that you chose when you registered for the first time on our website.",
                  "If you do not have an account yet, you can create one in a minute: all you need is an e-mail "
                  "address, and we will send you a link to confirm it before the account can be used.",
                  "We use your address only to send you the newsletters you ask for and to tell you about changes "
                  "to your account, and you can delete the account and all that belongs to it at any time."]
HARBOUR_FOOTER = ["Imprint", "Privacy", "Cookies", "Advertise", "Subscribe", "About us", "Our team", "Careers",
                  "Terms of use", "Site map", "Help", "Newsletter"]


def test_the_line_repeating_the_page_title_anchors_the_article():
    # The title repeats twice: as a menu teaser and as the heading; the heading has the article below it.
    texts = [HARBOUR_TITLE] + HARBOUR_MENU + HARBOUR_ARTICLE + HARBOUR_FOOTER + HARBOUR_DIALOG
    verdict = judge(texts, _settings())
    assert verdict.is_dump
    assert [t for t, keep in zip(texts, verdict.keep) if keep] == HARBOUR_ARTICLE
    # Without the anchor, the dialog (the longest prose on the page) is taken for the article.
    verdict = judge(texts, _settings(title_anchor=False, min_menu_run=3))
    assert HARBOUR_DIALOG[1] in [t for t, keep in zip(texts, verdict.keep) if keep]


def test_a_flattened_archive_list_is_not_article_text():
    archive = "Archive " + " ".join(f"{month} 2019 ({n})" for n, month in enumerate(
        ["December", "November", "October", "September", "August", "July", "June", "May", "April"], start=1))
    texts = [HARBOUR_TITLE] + HARBOUR_MENU + HARBOUR_ARTICLE + HARBOUR_FOOTER + [archive]
    verdict = judge(texts, _settings())
    assert verdict.is_dump and archive not in [t for t, keep in zip(texts, verdict.keep) if keep]


def test_a_short_menu_counts_only_with_a_repeated_page_title():
    # Four menu items in a row are a dump's menu when the page title recurs as the heading, not otherwise:
    # a clean article may well have a short list.
    menu = ["Home", "News", "Sport", "Weather"]
    others = ["Opinion", "Contact", "Jobs", "Events", "Archive", "Shop"]
    article = HARBOUR_ARTICLE[1:]
    texts = [HARBOUR_TITLE] + menu + ["Published on Friday, 3 May"] + others + ["Harbour reopens after the storm"] + article
    assert judge(texts, _settings()).is_dump
    assert not judge(["Harbour in the news"] + texts[1:], _settings()).is_dump


MODEL = FULLPAGE.parent.parent / "rules" / "generic" / "main-content.model.json"


def _main_content_rules(tmp_path, **changes):
    """The bundled main-content rule set, changed and written to tmp_path, with the other bundled sets."""
    rules = yaml.safe_load((FULLPAGE.parent.parent / "rules" / "generic" / "main-content.yaml").read_text())
    rules["rules"][0].update({"line_model": str(MODEL), **changes})
    (tmp_path / "mc.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    return [rs for rs in Cleaner().rulesets if rs.name != "main-content"] + load_rulesets([tmp_path / "mc.yaml"])


def test_the_line_model_decides_which_lines_of_a_dump_stay(tmp_path):
    text = (FULLPAGE / "dumps" / "es_elheraldo.txt").read_text(encoding="utf-8")
    with_model = Cleaner().clean_text(text).text.split("\n")
    without = Cleaner(rulesets=_main_content_rules(tmp_path, line_model="")).clean_text(text).text.split("\n")
    lead = "Los fiscales aseguran que el exlíder del cártel de Sinaloa sobornó a Juan Orlando Hernández con millones de dólares"
    teaser = "Ama las motos, el flamenco y la moda: datos que no conocías sobre Rosalía"
    # The article's lead sits between menus: the span alone leaves it out, the trees keep it;
    # a teaser after the article is the other way round.
    assert lead in with_model and lead not in without
    assert teaser in without and teaser not in with_model


def test_keep_probability_is_the_line_models_threshold():
    from cleaner.fullpage.linemodel import LineModel

    texts = [line for line in (FULLPAGE / "dumps" / "es_elheraldo.txt").read_text(encoding="utf-8").split("\n") if line.strip()]
    model = LineModel.from_file(MODEL)
    default = judge(texts, _settings(), model=model)
    strict = judge(texts, _settings(keep_probability=0.9), model=model)
    assert default.is_dump and strict.is_dump
    assert 0 < strict.keep.count(True) < default.keep.count(True)
    kept_below = [i for i, (p, keep) in enumerate(zip(strict.probabilities, strict.keep)) if keep and p < 0.9]
    assert kept_below == [default.page.heading]  # only the heading repeating the page title stays regardless


def test_a_missing_line_model_is_reported_with_the_rule_file(tmp_path):
    rules = yaml.safe_load((FULLPAGE.parent.parent / "rules" / "generic" / "main-content.yaml").read_text())
    rules["rules"][0]["line_model"] = "my-model.json"  # neither beside the rule file nor bundled
    (tmp_path / "mc.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rulesets([tmp_path / "mc.yaml"])
    message = str(err.value)
    assert "mc.yaml" in message and "line_model" in message and "my-model.json" in message


def test_a_rule_file_elsewhere_gets_the_bundled_model_by_default(tmp_path):
    """main-content's declared defaults are what the bundled rule runs, its learned model included
    (besides the evidence of a dump, which the rule file gives: its word list is data)."""
    rules = yaml.safe_load((FULLPAGE.parent.parent / "rules" / "generic" / "main-content.yaml").read_text())
    (tmp_path / "mc.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")  # no model file beside it
    rule = load_rulesets([tmp_path / "mc.yaml"])[0].rules[0]
    assert rule.model is not None and rule.settings == dataclasses.replace(
        MainContentSettings(), line_model=rule.settings.line_model, chrome_line=rules["rules"][0]["chrome_line"],
        min_article_prose=rules["rules"][0]["min_article_prose"])
    assert rule.settings.line_model.endswith("generic/main-content.model.json")


@pytest.mark.parametrize("content, complaint", [
    ("{not json", "not a line model file"),
    ('{"features": ["len"], "baseline": 0, "trees": [[[0, 1.0, 5, 6, 0]]]}', "points outside"),
    ('{"features": ["favourite_colour"], "baseline": 0, "trees": [[[-1, 0, 0, 0, 1.0]]]}', "favourite_colour"),
    ('{"features": ["len"], "baseline": 0, "trees": [], "word_evidence": {"newsletter": "often"}}', "word_evidence"),
])
def test_a_broken_line_model_is_reported_with_what_is_wrong(tmp_path, content, complaint):
    (tmp_path / "broken.json").write_text(content, encoding="utf-8")
    rules = yaml.safe_load((FULLPAGE.parent.parent / "rules" / "generic" / "main-content.yaml").read_text())
    rules["rules"][0]["line_model"] = "broken.json"
    (tmp_path / "mc.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rulesets([tmp_path / "mc.yaml"])
    assert "broken.json" in str(err.value) and complaint in str(err.value)


def test_the_bundled_line_model_reads_only_features_main_content_computes():
    from cleaner.fullpage.features import FEATURES, context_rows
    from cleaner.fullpage.linemodel import LineModel
    from cleaner.fullpage.maincontent import MEMO_KEY
    from cleaner.rules.kinds.base import Context

    model = LineModel.from_file(MODEL)
    assert set(model.features) <= FEATURES and len(model.trees) > 0
    ctx = Context()
    Cleaner().clean_text((FULLPAGE / "dumps" / "de_wien_orf.txt").read_text(encoding="utf-8"), context=ctx)
    rows = context_rows(ctx.memo[MEMO_KEY].page, model.word_evidence)
    assert all(set(row) == FEATURES for row in rows)
    assert all(0.0 < model.probability(row) < 1.0 for row in rows)


def test_line_features_tell_prices_code_and_specification_rows_and_the_page_profile_is_one_for_all_lines():
    # What carries across sites and languages for pages that are not articles: a product page's
    # prices and "Label: value" rows, documentation's code, a grid's repeated line shapes.
    from cleaner.fullpage.features import context_rows
    from cleaner.fullpage.maincontent import MainContentSettings, judge

    menu = ["Home", "Shop", "Sale", "Brands", "Gifts", "Journal", "About", "Stores", "Contact", "Help"]
    body = ["Trail Runner 2 waterproof shoe", "$129.00", "Weight: 310 g", "Drop: 8 mm",
            "A light trail shoe with a grippy sole for wet rock, built to last a season of long runs.",
            "pip install trail-runner", "shoes = load(path)", "Size 42", "Size 43", "Size 44"]
    footer = ["Privacy", "Terms", "Cookies", "Careers", "Press"]
    verdict = judge(menu + body + footer, MainContentSettings(line_model=""))
    rows = {text: row for text, row in zip(verdict.page.texts, context_rows(verdict.page))}
    assert rows["$129.00"]["price"] == 1.0 and rows["Weight: 310 g"]["price"] == 0.0
    assert rows["Weight: 310 g"]["kv"] == 1.0 and rows["Home"]["kv"] == 0.0
    assert rows["shoes = load(path)"]["code"] == 1.0 and rows["Trail Runner 2 waterproof shoe"]["code"] == 0.0
    assert rows["Size 43"]["shape_repeat"] > rows["Home"]["shape_repeat"] == 0.0  # "Size 0" three times
    profiles = {tuple(v for k, v in sorted(row.items()) if k.startswith("pg_")) for row in rows.values()}
    assert len(profiles) == 1 and rows["Home"]["pg_price"] == 1 / 25


def test_word_evidence_describes_a_line_and_its_neighbours():
    from cleaner.fullpage.features import evidence_rows

    table = {"newsletter": 2.0, "subscribe": 1.6, "council": -1.0, "voted": -0.5}
    rows = evidence_rows(["Subscribe to our NEWSLETTER", "The council voted", "Weather"], table)
    assert (rows[0]["ev_max"], rows[0]["ev_strong"], rows[0]["ev_known"]) == (2.0, 2.0, 0.5)  # 2 of 4 words known
    assert (rows[1]["ev_min"], rows[1]["ev_mean"], rows[1]["ev_mean-1"]) == (-1.0, -0.75, 1.8)
    assert rows[2]["ev_known"] == 0.0 and rows[2]["ev_mean-2"] == 1.8 and rows[2]["ev_mean+1"] == 0.0


def test_word_evidence_is_the_same_number_in_every_process():
    # A line's words are a set, whose order changes with each process's hash seed; float sums
    # depend on order, so the mean must be computed in a way that does not.
    script = ("from cleaner.fullpage.features import evidence_rows; "
              "words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett'.split(); "
              "table = {w: v for w, v in zip(words, [0.1, 0.2, 0.3, 1e16, -1e16, 0.7, 1.1, 1.3, -0.45, 2.9])}; "
              "print(repr(evidence_rows([' '.join(words)], table)[0]['ev_mean']))")
    means = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert len(means) == 1


def test_the_bundled_word_evidence_points_the_right_way():
    # Learned from labelled lines (tools/train_line_model.py): words of subscription boxes, comment
    # forms and footers lean to boilerplate, the words prose is made of lean to the article.
    from cleaner.fullpage.linemodel import LineModel

    evidence = LineModel.from_file(MODEL).word_evidence
    assert evidence["newsletter"] > 1 and evidence["kommentare"] > 1 and evidence["impressum"] > 1
    assert evidence["dass"] < 0 and evidence["however"] < -1 and evidence["which"] < -0.5


def test_a_dump_whose_menus_the_rules_miss_is_recognised_by_the_line_model(tmp_path):
    # This page's menus come in blocks of at most five lines, split by blank lines and a comment
    # form, so no run of menu-like lines is long enough for the menu conditions; the trees are
    # sure of its navigation, filter box and footer all the same.
    text = (FULLPAGE / "dumps" / "de_coopbuddy.txt").read_text(encoding="utf-8")
    rules_only = Cleaner(rulesets=_main_content_rules(tmp_path, model_dump_run=0)).clean_text(text)
    assert not any(r.rule == "main-content" for r in rules_only.removed)
    result = Cleaner().clean_text(text)
    dropped = {r.text for r in result.removed if r.rule == "main-content"}
    assert {"Startseite", "Gamefilter", "Sortieren nach: A bis Z Z bis A", "wpDiscuz"} <= dropped
    assert any(line.startswith("Entdecke die großen Abenteuer einer kleinen Biene.") for line in result.text.split("\n"))


def test_training_counts_a_short_line_as_extracted_only_when_it_is_a_whole_extracted_line():
    # tools/train_line_model.py labels every dump line for the word table by whether trafilatura
    # kept it from the page's HTML; "Home" inside an extracted sentence must not count as kept.
    import importlib.util

    spec = importlib.util.spec_from_file_location("train_line_model", FULLPAGE.parent.parent / "tools" / "train_line_model.py")
    tool = importlib.util.module_from_spec(spec)
    sys.modules["train_line_model"] = tool  # its dataclasses look their module up while they are made
    spec.loader.exec_module(tool)
    extracted = "Share\nThe council met at home on Monday to discuss the budget for the coming year.\n" * 3
    texts = ["Home", "Share", "The council met at home on Monday to discuss the budget for the coming year.", "Imprint"]
    assert tool.extractor_labels(texts, extracted) == [0, 1, 1, 0]
    assert tool.extractor_labels(texts, "Share") == [-1, -1, -1, -1]  # a failed extraction labels nothing
