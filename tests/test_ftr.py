"""FiveFilters site configs (cleaner/ftr/) read from the real files of the bundled snapshot."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from cleaner.ftr.collection import (BUNDLED_ARCHIVE, BUNDLED_INDEX, BundledSource, SiteConfigs, host_patterns,
                                    is_site_config_name, looks_like_checkout)
from cleaner.ftr.parse import parse_site_config


def bundled_text(name: str) -> str:
    with zipfile.ZipFile(BUNDLED_ARCHIVE) as archive:
        return archive.read(name).decode("utf-8")


@pytest.fixture(scope="module")
def configs() -> SiteConfigs:
    return SiteConfigs.for_rules()


# --- the snapshot ----------------------------------------------------------------------

def test_snapshot_is_bundled_with_its_licence():
    names = BUNDLED_INDEX.read_text(encoding="utf-8").split()
    assert len(names) == 2039 and all(is_site_config_name(n) for n in names)
    with zipfile.ZipFile(BUNDLED_ARCHIVE) as archive:
        inside = set(archive.namelist())
        assert set(names) <= inside
        assert "public domain" in archive.read("LICENSE.txt").decode()
        assert "CC0" in archive.read("SNAPSHOT.txt").decode()
    assert "global.txt" not in names and "LICENSE.txt" not in names  # not site configs


# The lines of the snapshot that cannot be used (docs/rules.md lists them): typos of directive names
# URLs written without a directive, a comment written as `//`. Every other line of the 2,039 files parses.
KNOWN_UNUSABLE = {
    "site-config.zip:.tvbs.com.tw.txt:23: https: unknown directive",
    "site-config.zip:araraneon.com.br.txt:15: https: unknown directive",
    "site-config.zip:clubic.com.txt:23: -: not a directive (name: value): "
    "'// remove last div which usually contains \"discover\" stuff'",
    "site-config.zip:fzone.cz.txt:8: test: unknown directive",
    "site-config.zip:lapresse.ca.txt:21: test_rul: unknown directive",
    "site-config.zip:lecker.de.txt:23: test_content: unknown directive",
    "site-config.zip:publications.aap.org.txt:1: titl: unknown directive",
}


def test_every_file_of_the_snapshot_parses(configs):
    parsed = list(configs)
    assert len(parsed) == 2039
    problems = {str(p) for config in parsed for p in config.problems}
    assert problems == KNOWN_UNUSABLE
    # Every XPath of the collection compiles in lxml (parse() compiles each one).
    assert sum(len(c.xpaths["body"]) for c in parsed) > 1900
    assert sum(len(c.words["strip_id_or_class"]) for c in parsed) > 5000


# --- one file --------------------------------------------------------------------------

def test_nytimes_file_reads_its_directives(configs):
    config = configs.get("nytimes.com")
    assert config.name == "ftr:nytimes.com"
    bodies = [d.value for d in config.xpaths["body"]]
    assert bodies[0].startswith('//section[@name="articleBody"]') and bodies[-1] == "//article[1]"
    assert [d.value for d in config.xpaths["title"]] == ['//h1[@class="articleHeadline"]',
                                                         '//meta[@property="og:title"]/@content']
    assert config.xpaths["author"][0].value == '//meta[@name="byl"]/@content'  # "author://..." without a space
    assert "shareTools" in [d.value for d in config.words["strip_id_or_class"]]
    # A commented-out directive is not read.
    assert not any("runaroundLeft" in d.value for d in config.xpaths["strip"])
    assert config.problems == []


def test_find_and_replace_pairs_and_the_one_line_form():
    config = parse_site_config(bundled_text("9to5google.com.txt"), "9to5google.com", "9to5google.com.txt")
    assert [(r.find, r.replace) for r in config.replacements] == [('div class="container', 'div class="foocontainer')]
    assert config.prune is False
    guardian = parse_site_config(bundled_text("theguardian.com.txt"), "theguardian.com", "theguardian.com.txt")
    assert [(r.find, r.replace) for r in guardian.replacements][:2] == [("\u2018", "'"), ("\u2019", "'")]
    twenty = parse_site_config(bundled_text("20min.ch.txt"), "20min.ch", "20min.ch.txt")
    assert ("Print</a>", "</a>") in [(r.find, r.replace) for r in twenty.replacements]


def test_test_urls_keep_their_test_contains():
    config = parse_site_config(bundled_text(".substack.com.txt"), ".substack.com", ".substack.com.txt")
    assert [t.url for t in config.tests] == ["https://taibbi.substack.com/p/glenn-greenwald-on-his-resignation",
                                            "https://jonathancook.substack.com/p/why-the-western-media-is-afraid-of"]
    assert config.tests[1].contains == ("The goal of the corporate media is not unearthing truth",)
    # wrap_in(blockquote) changes markup for a reader, not which text is the article: ignored, counted.
    assert [d.name for d in config.ignored] == ["wrap_in"]


def test_problems_name_the_line_and_the_rest_of_the_file_still_counts():
    text = bundled_text("theguardian.com.txt") + "\nbody: //div[@class=\nstrip_id_or_clas: share\nreplace_string: x\n"
    config = parse_site_config(text, "theguardian.com", "my/theguardian.com.txt")
    lines = len(bundled_text("theguardian.com.txt").splitlines())
    assert [(p.line, p.directive) for p in config.problems] == [(lines + 2, "body"), (lines + 3, "strip_id_or_clas"),
                                                                (lines + 4, "replace_string")]
    assert str(config.problems[0]).startswith(f"my/theguardian.com.txt:{lines + 2}: body: not an XPath")
    assert len(config.xpaths["body"]) == 1 and len(config.xpaths["strip"]) > 10


def test_true_and_false_read_as_yes_and_no():
    config = parse_site_config(bundled_text("medscape.com.txt"), "medscape.com", "medscape.com.txt")
    assert config.prune is False and config.tidy is True and config.problems == []


# --- which file serves a host ----------------------------------------------------------

def test_host_patterns_nearest_first():
    assert host_patterns("www.nytimes.com") == ["nytimes.com"]  # www. is the host itself; no ".com" file
    assert host_patterns("taibbi.substack.com") == ["taibbi.substack.com", ".substack.com"]
    assert host_patterns("a.b.example.co.uk") == ["a.b.example.co.uk", ".b.example.co.uk", ".example.co.uk", ".co.uk"]


def test_files_serve_hosts_as_the_collection_names_them(configs):
    assert configs.pattern_for("www.nytimes.com") == "nytimes.com"
    assert configs.pattern_for("nytimes.com") == "nytimes.com"
    assert configs.pattern_for("cooking.nytimes.com") == "cooking.nytimes.com"  # its own file
    assert configs.pattern_for("taibbi.substack.com") == ".substack.com"  # a subdomain file
    assert configs.pattern_for("someone.blogspot.com") == ".blogspot.com"
    assert configs.pattern_for("blogspot.com") is None  # .blogspot.com.txt is not for blogspot.com itself
    assert configs.pattern_for("en.wikipedia.org") == ".wikipedia.org"
    assert configs.pattern_for("pogue.blogs.nytimes.com") == "pogue.blogs.nytimes.com"
    assert configs.pattern_for("other.blogs.nytimes.com") == ".blogs.nytimes.com"
    assert configs.pattern_for("example.invalid") is None and configs.pattern_for(None) is None


def test_a_users_checkout_wins_over_the_bundled_file(tmp_path):
    checkout = tmp_path / "ftr-site-config"
    checkout.mkdir()
    newer = bundled_text("theguardian.com.txt").replace("//div[contains(@class, 'article-body')]",
                                                        "//div[@id='maincontent']")
    (checkout / "theguardian.com.txt").write_text(newer, encoding="utf-8")
    (checkout / "LICENSE.txt").write_text("public domain", encoding="utf-8")
    assert looks_like_checkout(checkout) and not looks_like_checkout(tmp_path / "missing")
    configs = SiteConfigs.for_rules([checkout])
    guardian = configs.for_host("www.theguardian.com")
    assert guardian.file == str(checkout / "theguardian.com.txt")
    assert "//div[@id='maincontent']" in guardian.xpaths["body"][0].value
    assert configs.for_host("www.nytimes.com").file == "site-config.zip:nytimes.com.txt"  # the rest: bundled
    alone = SiteConfigs.for_rules([checkout], bundled=False)
    assert len(alone) == 1 and alone.for_host("nytimes.com") is None


def test_a_folder_of_yaml_rules_is_not_a_checkout(tmp_path):
    (tmp_path / "example.org.yaml").write_text("name: x\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert not looks_like_checkout(tmp_path)


def test_the_index_is_the_list_of_names_and_the_archive_opens_only_for_a_host_with_a_file(tmp_path):
    archive, index = tmp_path / "site-config.zip", tmp_path / "site-config.hosts"
    shutil.copy(BUNDLED_ARCHIVE, archive)
    shutil.copy(BUNDLED_INDEX, index)
    source = BundledSource(archive, index)
    configs = SiteConfigs([source])
    assert configs.for_host("www.example.invalid") is None
    assert source._zip is None  # a host without a file never opens the archive
    assert configs.for_host("www.nytimes.com").name == "ftr:nytimes.com"
    assert source._zip is not None


def test_importing_the_cleaner_does_not_read_the_snapshot():
    """Start-up: nothing of the snapshot is read until a page's host is looked up."""
    code = ("import builtins, io, zipfile; opened = []\n"
            "real = io.open\n"
            "def spy(file, *a, **k):\n"
            "    opened.append(str(file)); return real(file, *a, **k)\n"
            "builtins.open = io.open = spy\n"
            "import cleaner, cleaner.pipeline, cleaner.cli.app\n"
            "print([f for f in opened if 'site-config' in f])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- the hook: a real page of a host with a file ---------------------------------------

PAGE = """<html><head><title>T</title><meta property="og:title" content="The real headline"></head><body>
<div class="nav">Home News Sport Weather Home News Sport Weather</div>
<div id="maincontent"><div class="share-tools">Share on Facebook Share on Twitter</div>
<p>""" + "The council approved the new budget after a long debate on Tuesday evening. " * 8 + """</p></div>
<footer>Copyright all rights reserved</footer></body></html>"""


def test_a_checkout_among_rules_applies_and_the_bundled_snapshot_is_opt_in(tmp_path):
    from cleaner import Cleaner
    from cleaner.ftr.collection import bundled_configs
    checkout = tmp_path / "ftr"
    checkout.mkdir()
    (checkout / "example.org.txt").write_text(
        "title: //meta[@property='og:title']/@content\nbody: //div[@id='nothing-here']\n"
        "body: //div[@id='maincontent']\nstrip_id_or_class: share-tools\n", encoding="utf-8")
    result = Cleaner(rules=[checkout]).clean_html(PAGE, url="https://www.example.org/a")
    assert "Share on Facebook" not in result.text and "council approved" in result.text
    assert result.metadata["title"] == "The real headline"
    assert "ftr:example.org" in result.metadata["rulesets"]
    assert any(r.rule == "ftr:example.org:strip_id_or_class:4" for r in result.removed)
    assert Cleaner().site_configs.pattern_for("www.nytimes.com") is None  # off unless asked
    assert Cleaner(site_configs=bundled_configs()).site_config("https://www.nytimes.com/a").name == "ftr:nytimes.com"


def test_rules_check_lists_unusable_lines_of_a_checkout(tmp_path):
    from conftest import run_cli
    (tmp_path / "theguardian.com.txt").write_text(bundled_text("theguardian.com.txt") + "titl: //h1\n", encoding="utf-8")
    result = run_cli("rules", "check", str(tmp_path))
    lines = len(bundled_text("theguardian.com.txt").splitlines())
    assert result.returncode == 2
    assert f"theguardian.com.txt:{lines + 1}: titl: unknown directive" in result.stdout.decode()


# --- cleaner rules import-ftr ------------------------------------------------------------

def test_import_ftr_writes_yaml_rule_sets_that_check_clean(tmp_path):
    from conftest import run_cli
    import yaml
    checkout = tmp_path / "ftr"
    checkout.mkdir()
    for name in ("nytimes.com.txt", ".substack.com.txt", "vienna.at.txt", "theguardian.com.txt"):
        (checkout / name).write_text(bundled_text(name), encoding="utf-8")
    out = tmp_path / "rules"
    result = run_cli("rules", "import-ftr", str(checkout), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["_.substack.com.yaml", "nytimes.com.yaml",
                                                     "theguardian.com.yaml", "vienna.at.yaml"]
    nytimes = yaml.safe_load((out / "nytimes.com.yaml").read_text(encoding="utf-8"))
    assert nytimes["name"] == "nytimes.com" and nytimes["match"] == {"domains": ["nytimes.com"]}
    assert ("//*[contains(@class, 'shareTools') or contains(@id, 'shareTools')]" in nytimes["html"]["prune"])
    strips = [d.value for d in parse_site_config(bundled_text("nytimes.com.txt"), "nytimes.com", "x").xpaths["strip"]]
    assert set(strips) <= set(nytimes["html"]["prune"])
    substack = (out / "_.substack.com.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(substack)["name"] == "*.substack.com"
    assert "test_contains: The goal of the corporate media is not unearthing truth" in substack  # kept as a comment
    # What has no equivalent is listed FILE:LINE: directive: why (vienna.at replaces a 0x02 byte).
    warnings = result.stdout.decode()
    assert f"{checkout / 'nytimes.com.txt'}:" in warnings and ": body: the article container" in warnings
    assert "find_string: \\x02 ->" in (out / "vienna.at.yaml").read_text(encoding="utf-8")
    check = run_cli("rules", "check", str(out))
    assert check.returncode == 0, check.stdout
    assert b"ok: 4 rule sets" in check.stdout
    # The imported rule set applies to the site's pages as a site rule set, and cuts what the file cut.
    from cleaner import Cleaner
    cleaner = Cleaner(rules=[out])
    page = PAGE.replace("share-tools", "shareTools")
    result = cleaner.clean_html(page, url="https://www.nytimes.com/2020/01/01/a.html")
    assert "nytimes.com" in result.metadata["rulesets"] and "Share on Facebook" not in result.text
    assert "council approved" in result.text


def test_import_ftr_refuses_what_is_not_a_site_config_and_never_overwrites(tmp_path):
    from conftest import run_cli
    (tmp_path / "notes.txt").write_text("body: //div\n", encoding="utf-8")
    result = run_cli("rules", "import-ftr", str(tmp_path / "notes.txt"), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and b"not a FiveFilters site config" in result.stderr
    single = tmp_path / "theguardian.com.txt"
    single.write_text(bundled_text("theguardian.com.txt"), encoding="utf-8")
    assert run_cli("rules", "import-ftr", str(single), "-o", str(tmp_path / "out")).returncode == 0
    again = run_cli("rules", "import-ftr", str(single), "-o", str(tmp_path / "out"))
    assert again.returncode == 2 and b"exists, not overwritten" in again.stderr


def test_prune_xpath_quotes_words_with_quotes():
    from lxml import etree
    from cleaner.ftr.to_yaml import prune_xpath
    xpath = prune_xpath("strip_image_src", "it's \"x\"")
    etree.XPath(xpath)
    assert etree.fromstring('<p><img src="a/it\'s &quot;x&quot;.png"/><img src="b.png"/></p>').xpath(xpath)[0].get("src") \
        == "a/it's \"x\".png"
