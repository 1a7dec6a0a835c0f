"""Forum threads and Q&A pages: every post is content (trafilatura's main extraction, comments off,
often keeps the opening post only).

The posts are found by the markup of the common forum platforms (Discourse's crawler view,
XenForo, phpBB, vBulletin, Invision, Stack Exchange, Hacker News-like threads) or by schema.org
microdata (DiscussionForumPosting, Comment, Answer, Question with their `text`). Each post gives
its author and date line (as forum readers and annotators see it) and its body, without quoted
replies, signatures, vote and share widgets. The candidate is kept when it found at least two
posts, or one that says more than the main extraction.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.etree import XPath

from cleaner.html.strategies.base import Candidate, StrategyInput
from cleaner.html.strategies.markers import class_starts, has_class, schema_type
from cleaner.html.strategies.render import element_text, word_count


@dataclass(frozen=True)
class Platform:
    name: str
    posts: XPath  # each post (author line and body)
    body: XPath  # the post's text, relative to the post
    header: XPath | None  # the author / date line parts, relative to the post


def _x(path: str) -> XPath:
    return XPath(path)


PLATFORMS = (
    Platform("Discourse", _x(f"//div[{has_class('crawler-post')}]"),
             _x(".//div[@itemprop='text']"),
             _x(f".//span[{has_class('creator')}]//span[@itemprop='name'] | .//time")),
    Platform("XenForo", _x(f"//article[{has_class('message')} and ({class_starts('message--post')} or @data-author)]"),
             _x(f".//div[{has_class('bbWrapper')}]"),
             _x(f".//*[{has_class('message-name')}] | .//time[{has_class('u-dt')}]")),
    Platform("phpBB", _x(f"//div[{has_class('post')} and .//div[{has_class('postbody')}]]"),
             _x(f".//div[{has_class('postbody')}]//div[{has_class('content')}]"),
             _x(f".//*[{has_class('author')}]")),
    Platform("vBulletin", _x(f"//*[starts-with(@id, 'post_message_') or ({has_class('postcontainer')})]"),
             _x(f"self::*[starts-with(@id, 'post_message_')] | .//*[{has_class('postcontent')}]"),
             None),
    Platform("Invision", _x(f"//article[{class_starts('ipsComment')} or {has_class('cPost')}]"),
             _x(".//div[@data-role='commentContent']"),
             _x(f".//*[{has_class('cAuthorPane_author')}] | .//time")),
    Platform("Stack Exchange", _x(f"//div[{has_class('question')} or {has_class('answer')}][.//div[{has_class('js-post-body')}]]"),
             _x(f".//div[{has_class('js-post-body')}]"),
             None),
    Platform("Hacker News-like", _x(f"//*[{has_class('comtr')} or {has_class('athing')}][.//*[{has_class('commtext')}]]"),
             _x(f".//*[{has_class('commtext')}]"),
             _x(f".//*[{has_class('hnuser')}] | .//*[{has_class('age')}]")),
    Platform("schema.org posts", _x(f"//*[{schema_type('DiscussionForumPosting', 'Comment', 'Answer', 'Question', 'SocialMediaPosting')}]"),
             _x(".//*[@itemprop='text' or @itemprop='articleBody']"),
             _x(".//*[@itemprop='author']//*[@itemprop='name'] | .//*[@itemprop='author'][not(.//*[@itemprop='name'])]")),
)

# Parts of a post that are not the post's own words.
_NOT_POST = frozenset({"signature", "message-signature", "bbcodeblock--quote", "quote", "bbcodequote",
                       "js-post-menu", "post-menu", "votes", "vote", "js-vote", "post-signature",
                       "reactionsbar", "message-attribution-opposite", "post-actions", "ipsquote",
                       "likes", "share", "post-controls", "report", "user-info", "postprofile"})


def _skip(element: etree._Element) -> bool:
    tag = element.tag
    if tag == "blockquote":
        return True
    words = ((element.get("class") or "").lower()).split()
    return any(word in _NOT_POST for word in words)


def _post_text(post: etree._Element, platform: Platform) -> tuple[str, str]:
    """(author/date line, body) of one post."""
    bodies = platform.body(post)
    body = "\n".join(t for t in (element_text(b, _skip) for b in bodies[:1]) if t) if bodies else ""
    header = ""
    if platform.header is not None:
        parts = [" ".join(element_text(h).split()) for h in platform.header(post)]
        header = " ".join(dict.fromkeys(p for p in parts if p))
    return header, body


def posts(tree: etree._Element) -> tuple[str, list[tuple[str, str]]]:
    """The platform whose markup the page carries and its posts (author line, body); ("", []) if none."""
    for platform in PLATFORMS:
        found = platform.posts(tree)
        if not found:
            continue
        # A post inside another post (a nested reply container) is read with its own body only.
        read = [_post_text(post, platform) for post in found]
        read = [(header, body) for header, body in read if body]
        if read:
            return platform.name, list(dict.fromkeys(read))
    return "", []


def extract(page: StrategyInput) -> Candidate | None:
    platform, found = posts(page.tree)
    if not found:
        return None
    text = "\n".join(line for header, body in found for line in (header, body) if line)
    if len(found) < 2 and word_count(text) <= word_count(page.main_text):
        return None
    return Candidate("forum-posts", text, f"{len(found)} posts in {platform} markup")
