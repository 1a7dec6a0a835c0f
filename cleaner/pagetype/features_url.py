"""What a page's URL says about its type: path words (/forum/, /product/, /docs/...), the host's first
label (docs., shop., community.), the shape of the last path segment (a long hyphenated slug is an
article; a bare /blog/ an index of them) and dates in the path.

The words are the generic vocabulary of web site structure, written by hand, not learned from pages.
`url_features(None)` describes an unknown URL (url_known 0), so a model can tell it from a short one.

>>> f = url_features("https://example.org/blog/2021/03/how-to-cook-rice-well")
>>> f["url_known"], f["url_depth"], f["url_last_hyphens"], f["url_date"], f["url_article"]
(1.0, 4.0, 4.0, 1.0, 1.0)
>>> url_signals("https://forum.example.org/t/slow-boot/123")
['URL host forum.', 'URL path /t/']
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# Path patterns by the page type they suggest (matched on the path, case-insensitive).
URL_PATTERNS = {
    "forum": r"/(forums?|threads?|t|topics?|viewtopic|showthread|discussions?|questions?|community|communities"
             r"|board|boards|r|answers|qa|q)(/|\.|$|\?)",
    "product": r"/(products?|p|dp|item|items|gp/product|sku|pd|buy|shop/[^/]+/[^/]+)(/|\.|$)|-p-\d+|/\d{5,}\.html?$",
    "collection": r"/(category|categories|collections?|c|cat|department|departments|shop|store|brands?|catalog"
                  r"|catalogue|products)(/[^/]*)?/?$|/(category|categories|collections|catalog)/",
    "listing": r"/(blog|news|articles|archive|archives|tags?|topics?|authors?|page/\d+|insights|resources|stories"
               r"|posts|press|events|courses|reviews|guides|recipes|podcasts?|videos?|library|jobs|careers|search)/?$"
               r"|/(tag|tags|author|page|archive)/",
    "documentation": r"/(docs?|documentation|wiki|api|reference|manual|guides?|tutorials?|learn|handbook|kb"
                     r"|knowledge-?base|help|support|developers?|sdk|man|howto|faq|library|spec)(/|\.|$)",
    "article": r"/(blog|news|article|articles|posts?|stories|story|opinion|features?|magazine|press-releases?"
               r"|insights?|guides?)/[^/]+|/(19|20)\d\d/\d\d?/|/(19|20)\d\d-\d\d-\d\d|\d{6,}",
    "service": r"/(services?|solutions?|pricing|plans|features|about(-us)?|contact(-us)?|company|platform|industries"
               r"|use-cases|why-[^/]+|enterprise|integrations|partners|team|careers|get-started|demo)(/|$)",
}
URL_RE = {kind: re.compile(pattern, re.I) for kind, pattern in URL_PATTERNS.items()}
# The host's first label, by the kind of site it usually names.
HOST_RE = {
    "documentation": re.compile(r"(docs|developer|developers|wiki|help|support|learn|api|kb|manual|devcenter)\."),
    "forum": re.compile(r"(forum|forums|community|discuss|discussion|answers|boards?)\."),
    "shop": re.compile(r"(shop|store)\."),
    "blog": re.compile(r"(blog|news)\."),
}
_PATH_DATE = re.compile(r"/(19|20)\d\d/\d\d?(/|$)|(19|20)\d\d-\d\d-\d\d")
_PATH_YEAR = re.compile(r"(^|[/-])(19|20)\d\d([/-]|$)")
_SCRIPT_EXT = re.compile(r"\.(s?html?|php|aspx?)$")

FEATURES = (["url_known", "url_depth", "url_root", "url_last_hyphens", "url_last_len", "url_last_digits",
             "url_has_query", "url_html_ext", "url_date", "url_year"]
            + [f"url_{kind}" for kind in URL_PATTERNS] + [f"host_{kind}" for kind in HOST_RE])


# Second-level labels under which a country's sites register (example.co.uk, example.com.au).
SECOND_LEVEL = {"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "nic", "mil"}


def registered_domain(url: str | None) -> str:
    """The part of the host a site registers: news.example.co.uk -> example.co.uk ("" without a host).
    (An approximation of the public-suffix list that serves to group pages by site.)

    >>> registered_domain("https://news.example.co.uk/a"), registered_domain("http://www.example.org/")
    ('example.co.uk', 'example.org')
    """
    host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _split(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return parts.netloc.lower().removeprefix("www."), parts.path or "/", parts.query


def url_features(url: str | None) -> dict[str, float]:
    """The URL's features (all 0 but for -1 in the shape features when the URL is unknown)."""
    if not url:
        features = dict.fromkeys(FEATURES, 0.0)
        for name in ("url_depth", "url_last_hyphens", "url_last_len", "url_last_digits"):
            features[name] = -1.0
        return features
    host, path, query = _split(url)
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    features = {
        "url_known": 1.0,
        "url_depth": float(len(segments)),
        "url_root": float(not segments),
        "url_last_hyphens": float(last.count("-")),
        "url_last_len": float(len(last)),
        "url_last_digits": float(sum(c.isdigit() for c in last)),
        "url_has_query": float(bool(query)),
        "url_html_ext": float(bool(_SCRIPT_EXT.search(last))),
        "url_date": float(bool(_PATH_DATE.search(path))),
        "url_year": float(bool(_PATH_YEAR.search(path))),
    }
    for kind, rx in URL_RE.items():
        features[f"url_{kind}"] = float(bool(rx.search(path)))
    for kind, rx in HOST_RE.items():
        features[f"host_{kind}"] = float(bool(rx.match(host)))
    return features


def url_signals(url: str | None) -> list[str]:
    """What the URL shows, in words: the host label and path parts that matched a type's pattern."""
    if not url:
        return []
    host, path, _ = _split(url)
    found = []
    for rx in HOST_RE.values():
        match = rx.match(host)
        if match:
            found.append(f"URL host {match.group(0)}")
    for rx in URL_RE.values():
        match = rx.search(path)
        if match:
            found.append(f"URL path {match.group(0)}")
    if _PATH_DATE.search(path):
        found.append("date in the URL path")
    return list(dict.fromkeys(found))
