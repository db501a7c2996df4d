"""The Markdown of information pages, rendered to safe HTML.

Authors write headings, lists, links, images, tables and emphasis; the HTML that Markdown
produces (and any HTML an author typed) goes through an allow-list (nh3): no script, no
style, no event handler, links only to http(s), mailto and tel, images only over https or
from the site itself. Headings start at level 2: the page's title is its h1.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "a", "img",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "abbr",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _shift_headings(html: str) -> str:
    # The page's title is its h1: a body that starts its sections at "# " is moved one level
    # down (h1 -> h2, h2 -> h3...), so that the outline stays whole.
    if "<h1>" not in html:
        return html
    for level in (5, 4, 3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    return html


def _allowed_attribute(tag: str, attribute: str, value: str):
    if tag == "img" and attribute == "src":
        # No plain-HTTP images (mixed content), no data: URLs (tracking, size).
        return value if value.startswith(("https://", "/")) else None
    return value


def render(text: str) -> SafeString:
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    html = _shift_headings(html)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_allowed_attribute,
    )
    return mark_safe(clean)  # noqa: S308 (sanitized by nh3 just above)


def plain_text(text: str) -> str:
    """The words of a Markdown text without its markup or link targets (for the index)."""
    return nh3.clean(str(render(text)), tags=set()).replace("&amp;", "&")
