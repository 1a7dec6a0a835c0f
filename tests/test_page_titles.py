"""Page titles (cleaner/html/pagemeta.py): a blog whose first <h1> is its site's name (the logo)
gets the post's title, while a headline <h1> that <title> repeats is still taken."""
from __future__ import annotations

from trafilatura.utils import load_html

from cleaner import Cleaner
from cleaner.html.pagemeta import page_metadata
from conftest import FIXTURES


def test_a_blog_whose_first_h1_is_its_name_gets_the_post_title():
    html = (FIXTURES / "html" / "blog-logo-h1.html").read_text(encoding="utf-8")
    result = Cleaner().clean_html(html, url="https://www.slowgardennotes.org/2024/05/why-we-stopped-digging/")
    assert result.metadata["title"] == "Why we stopped digging the vegetable beds"
    assert result.metadata["date"] == "2024-05-14"


def test_the_site_name_h1_is_refused_without_a_url_too():
    # og:site_name names the site when no URL is known
    html = (FIXTURES / "html" / "blog-logo-h1.html").read_text(encoding="utf-8").replace(
        '<meta property="og:type"', '<meta property="og:site_name" content="Slow Garden Notes"><meta property="og:type"')
    html = html.replace('<meta property="og:url" content="https://www.slowgardennotes.org/2024/05/why-we-stopped-digging/">', "")
    html = html.replace('<link rel="canonical" href="https://www.slowgardennotes.org/2024/05/why-we-stopped-digging/">', "")
    assert page_metadata(load_html(html))["title"] == "Why we stopped digging the vegetable beds"


def test_a_headline_h1_that_the_title_repeats_is_kept():
    html = ("<html><head><title>Council approves the harbour plan | Harbour Daily</title>"
            "<meta property='og:site_name' content='Harbour Daily'></head><body>"
            "<div class='logo'>Harbour Daily</div><h1>Council approves the harbour plan</h1>"
            "<p>The council approved the harbour plan on Monday after two years of talks.</p></body></html>")
    assert page_metadata(load_html(html), "https://www.harbour-daily.com/news/1")["title"] == \
        "Council approves the harbour plan"
