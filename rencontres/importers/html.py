"""From Decidim's HTML description to the blocks of a rencontre's description.

Decidim stores a meeting's description as one blob of HTML, typed in its rich-text
editor. The consultation's meetings follow a pattern (see ``shared/seed``)::

    <p><strong>Pourquoi ?</strong></p>
    <p>•Partager des éléments de diagnostic…<br>•Collecter des avis…</p>
    <p><strong>Pour et avec qui ?</strong></p>
    <ul><li>Habitants et associations d’habitants</li></ul>
    …

:func:`description_blocks` turns the three known headings ("Pourquoi ?", "Pour et avec
qui ?", "Comment ?", and their English counterparts) into the matching section blocks,
one item per "•" line or ``<li>``; everything else becomes rich text, reduced to the
tags the editor allows (:func:`sanitise_rich_text`). The result is the raw StreamField
data, with block ids.
"""

import functools
import logging
import re
import unicodedata
import uuid

from bs4 import Comment, NavigableString, Tag
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from ..blocks import RICH_TEXT_FEATURES
from ..text import html_lines, parse_html

logger = logging.getLogger(__name__)

SECTION_HEADINGS = {
    "pourquoi": "Pourquoi ?",
    "pour_qui": "Pour et avec qui ?",
    "comment": "Comment ?",
}

# Normalised heading text (see _heading_key) → section block type.
_HEADING_KEYS = {
    "pourquoi": "pourquoi",
    "why": "pourquoi",
    "pour et avec qui": "pour_qui",
    "pour qui": "pour_qui",
    "avec qui": "pour_qui",
    "pour qui et avec qui": "pour_qui",
    "for and with whom": "pour_qui",
    "for whom": "pour_qui",
    "with whom": "pour_qui",
    "who for": "pour_qui",
    "comment": "comment",
    "how": "comment",
}

BULLETS = "•◦▪‣·–—-*"
_BULLET_RE = re.compile(rf"^\s*[{re.escape(BULLETS)}]\s*")
# A heading glued to the end of the previous line, as in the seed's
# "…(chefs de projet, responsables de service)Comment ?".
_GLUED_HEADING_RE = re.compile(
    r"(?<=\S)(Pourquoi|Pour et avec qui|Comment|Why|For and with whom|How) ?\?\s*$"
)

# Tags kept as they are, tags renamed, tags dropped with their content.
_KEEP = {"p", "br", "b", "i", "a", "ul", "ol", "li", "h3", "h4"}
_RENAME = {"strong": "b", "em": "i", "h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4", "div": "p"}
_DROP = {"script", "style", "iframe", "object", "embed", "img", "svg", "video", "audio",
         "noscript", "template", "head", "title", "meta", "link", "form", "input", "button",
         "select", "textarea", "canvas"}  # fmt: skip
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
               "blockquote", "table", "tr", "td", "th", "tbody", "thead", "section",
               "article", "pre"}  # fmt: skip
_LINK_SCHEMES = ("http://", "https://", "mailto:")


@functools.cache
def _contentstate():
    # Built on first use: the rich-text feature registry needs the apps ready.
    return ContentstateConverter(RICH_TEXT_FEATURES)


def new_id():
    return str(uuid.uuid4())


def _clean_text(text):
    text = unicodedata.normalize("NFC", text.replace("\xa0", " ").replace("\u202f", " "))
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()


def _heading_key(text):
    """The section a line announces, or None: « Pourquoi ? », "**Comment :**", "How?"…"""
    text = _clean_text(text).lower().rstrip(" :?").replace("’", "'")
    text = re.sub(r"\s+", " ", text)
    return _HEADING_KEYS.get(text)


def _is_html(text):
    return bool(re.search(r"<(p|br|ul|ol|li|div|strong|b|em|i|a|h\d|span)\b", text, re.I))


# -- rich text ---------------------------------------------------------------


def sanitise_rich_text(html):
    """Only what the rich-text editor allows: paragraphs, bold, italic, links, lists,
    h3/h4. Scripts, styles, images, frames and attributes go; links keep their
    http(s)/mailto href only. The result is normalised by Draftail's converter, so that
    saving the page in the admin without a change gives back the same HTML."""
    if not html or not html.strip():
        return ""
    if not _is_html(html):
        html = "".join(f"<p>{_escape(line)}</p>" for line in html.splitlines() if line.strip())
    return _draftail(_allowed_tags(html))


def _escaped_text_rich_text(html):
    """What :func:`sanitise_rich_text` returns for ``html`` made only of ``<p>`` and
    ``<ul><li>`` around text escaped by :func:`_escape` (no other markup): such HTML has
    nothing to remove, and parsing then serialising it gives it back unchanged as long as
    it holds printable characters only (no control character or line break for the
    parser to alter); Draftail's converter still normalises it."""
    plain = _plain_draftail(html)
    if plain is not None:
        return plain
    if not html.isprintable():
        return sanitise_rich_text(html)
    return _draftail(html)


# HTML that Draftail's converter gives back as it is (block keys aside), so that
# _escaped_text_rich_text can skip the converter: non-empty <p> and <ul><li> blocks, no
# attribute, no list right after a list (the converter merges them), of words separated
# by single spaces (no leading or trailing one: the converter collapses and strips
# whitespace), words of letters, digits (\w, all of Unicode's) and common punctuation;
# the only entities those _escape writes (&amp; &lt; &gt;: the converter decodes every
# entity and escapes back only &, < and >, so &quot;, &#x27; or &nbsp; would change).
# Empty blocks, other whitespace (tab, no-break space…), emoji and anything else take
# the converter. tests/importers/test_html.py checks this against the converter.
_PLAIN_WORD = r"""(?:[\w.,;:!?'"’‘«»“”()\[\]/@#%*+=°€$–—…•·-]|&(?:amp|lt|gt);)++"""
_PLAIN_TEXT = rf"{_PLAIN_WORD}(?: {_PLAIN_WORD})*+"
_PLAIN_BLOCKS_RE = re.compile(
    rf"(?:<p>{_PLAIN_TEXT}</p>|<ul>(?:<li>{_PLAIN_TEXT}</li>)++</ul>(?!<ul>))++"
)


def _plain_draftail(html):
    """What :func:`_draftail` returns for ``html``, worked out without the converter, or
    None when ``html`` is not plain enough (:data:`_PLAIN_BLOCKS_RE`) to be sure of it."""
    return html if _PLAIN_BLOCKS_RE.fullmatch(html) else None


def _draftail(html):
    """``html`` as Draftail's converter writes it back, block keys left out.

    The converter stops on an assertion where a block sits inside inline styling (a
    list inside an unclosed ``<i>``): those blocks are taken out of it (the styling of
    that stretch is lost, its paragraphs and lists kept). Markup it still cannot read
    keeps its text, one paragraph per line, rather than stopping the import."""
    converter = _contentstate()
    try:
        state = converter.from_database_format(html)
    except Exception:  # noqa: BLE001 - whatever the converter trips on, the text is kept
        try:
            state = converter.from_database_format(_blocks_out_of_inline(html))
        except Exception:  # noqa: BLE001
            logger.info("rich text the converter cannot read, kept as text: %.200r", html)
            text = "".join(f"<p>{_escape(line)}</p>" for line in html_lines(html))
            state = converter.from_database_format(text)
    return strip_block_keys(converter.to_database_format(state)).strip()


_INLINE_KEPT = ("b", "i", "a")
_BLOCKS_KEPT = ("p", "ul", "ol", "li", "h3", "h4")


def _blocks_out_of_inline(html):
    """``html`` (tags already reduced to :data:`_KEEP`) without the inline tags that
    hold a block: their blocks come out to the top, loose text goes into paragraphs."""
    soup, _root = parse_html(html)
    for tag in _tags(soup):
        if tag.name in ("html", "body") or (
            tag.name in _INLINE_KEPT and tag.find(_BLOCKS_KEPT) is not None
        ):
            tag.unwrap()
    return _wrap_loose_inline(soup)


def _allowed_tags(html):
    """``html`` reduced to the allowed tags and attributes, loose inline content put in
    paragraphs."""
    # <html> and <body>, put around the fragment by the parser, are unwrapped below.
    soup, _root = parse_html(html)
    for node in [node for node in soup.descendants if isinstance(node, Comment)]:
        node.extract()
    for tag in _tags(soup, _DROP):
        tag.decompose()
    for tag in _tags(soup):
        name = _RENAME.get(tag.name, tag.name)
        if name not in _KEEP:
            tag.unwrap()
            continue
        tag.name = name
        href = tag.get("href", "").strip() if name == "a" else ""
        tag.attrs = {}
        if name == "a":
            if href.lower().startswith(_LINK_SCHEMES):
                tag["href"] = href
            else:
                tag.unwrap()
    return _wrap_loose_inline(soup)


_BLOCK_KEY_RE = re.compile(r' data-block-key="[^"]*"')


def strip_block_keys(html):
    """Draftail's random ``data-block-key`` attributes, which say nothing about content."""
    return _BLOCK_KEY_RE.sub("", html)


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap_loose_inline(soup):
    """Top-level text and inline tags go into paragraphs (Draftail needs blocks)."""
    out, loose = [], []

    def flush():
        fragment = "".join(str(node) for node in loose).strip()
        if fragment and fragment != "<br/>":
            out.append(f"<p>{fragment}</p>")
        loose.clear()

    for node in list(soup.contents):
        if isinstance(node, Tag) and node.name in {"p", "ul", "ol", "h3", "h4"}:
            flush()
            out.append(str(node).replace("<br>", "<br/>"))
        elif isinstance(node, Tag) and node.name == "li":
            flush()
            out.append(f"<ul>{node}</ul>")
        else:
            loose.append(node)
    flush()
    return "".join(out).replace("<br>", "<br/>")


# -- lines -------------------------------------------------------------------


class _Line:
    """One visual line of the description: a heading, a bullet item or a paragraph."""

    __slots__ = ("kind", "text", "html")

    def __init__(self, kind, text, html=""):
        self.kind = kind  # "heading", "item", "text"
        self.text = text
        self.html = html


def _split_glued_heading(text, html):
    match = _GLUED_HEADING_RE.search(text)
    if match and _heading_key(match.group(0)):
        head = text[: match.start()].rstrip()
        return head, html.replace(match.group(0).strip(), "").rstrip(), match.group(0).strip()
    return text, html, None


def _classify(text, html, lines):
    text = _clean_text(text)
    if not text:
        return
    text, html, glued = _split_glued_heading(text, html)
    if _heading_key(text) and len(text) <= 40:
        lines.append(_Line("heading", text))
    elif _BULLET_RE.match(text):
        lines.append(_Line("item", _BULLET_RE.sub("", text, count=1)))
    else:
        lines.append(_Line("text", text, html.strip()))
    if glued:
        lines.append(_Line("heading", glued))


def _inline_chunks(tag):
    """The children of a block element, split at <br>: [(text, html), …]."""
    chunks, text, html = [], [], []
    for child in tag.children:
        if isinstance(child, Tag) and child.name == "br":
            chunks.append(("".join(text), "".join(html)))
            text, html = [], []
        elif isinstance(child, Tag) and child.name in _BLOCK_TAGS:
            chunks.append(("".join(text), "".join(html)))
            text, html = [], []
            chunks.extend(_inline_chunks(child))
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            text.append(str(child))
            html.append(_escape(str(child)))
        elif isinstance(child, Tag) and child.name not in _DROP:
            text.append(child.get_text())
            html.append(_outer_html(child))
    chunks.append(("".join(text), "".join(html)))
    return chunks


def _outer_html(tag):
    """``str(tag)``, without BeautifulSoup's serialiser in the common case of a tag
    without attributes holding text only (``<strong>Pourquoi ?</strong>``): its minimal
    formatter escapes ``&``, ``<`` and ``>`` as :func:`_escape` does."""
    children = tag.contents
    if (
        tag.attrs
        or tag.prefix
        or not children
        or any(type(child) is not NavigableString for child in children)
    ):
        return str(tag)
    return f"<{tag.name}>{''.join(_escape(child) for child in children)}</{tag.name}>"


def _tags(node, names=None):
    """The tags under ``node`` (named in ``names``, if given), in document order: what
    BeautifulSoup's ``find_all(names)`` (``find_all(True)``) returns, without building
    its matching rules on every call."""
    return [
        descendant
        for descendant in node.descendants
        if isinstance(descendant, Tag) and (names is None or descendant.name in names)
    ]


def _child_tags(node, name):
    """``find_all(name, recursive=False)``."""
    return [child for child in node.children if isinstance(child, Tag) and child.name == name]


_LIST_TAGS = frozenset({"ul", "ol"})
_CONTAINER_TAGS = frozenset({"ul", "ol", "p", "div"})


# Descriptions _lines_from_html reads without the parser: adjacent <p> and <ul>/<ol>
# blocks (nothing between them), a <p> holding runs of text, <strong>/<b>/<em>/<i> of
# text (no attribute) and <br> (<br/>, <br />), a list holding <li> of text only. A run
# of text is not blank (libxml2 drops some whitespace-only text nodes) and holds no
# "<", ">" or "&" but the entities &amp; &lt; &gt; (the parser decodes every entity);
# the whole input is printable (no control character, line break, tab or no-break
# space for the parser to alter). The parser reads such HTML back as it is written.
_FAST_CHAR = r"(?:[^<>&]|&(?:amp|lt|gt);)"
_FAST_TEXT = rf" *+(?:[^<>& ]|&(?:amp|lt|gt);){_FAST_CHAR}*+"
_FAST_INLINE = rf"(?:{_FAST_TEXT}|<(?P<tag>strong|b|em|i)>{_FAST_TEXT}</(?P=tag)>|<br ?/?>)*+"
_FAST_LIST = rf"<(?P<list>ul|ol)>(?:<li>(?:{_FAST_TEXT})?</li>)*+</(?P=list)>"
_FAST_RE = re.compile(rf"(?:<p>{_FAST_INLINE}</p>|(?:{_FAST_LIST}))++")
_FAST_BLOCK_RE = re.compile(r"<p>(.*?)</p>|<(ul|ol)>(.*?)</\2>")
_FAST_ITEM_RE = re.compile(r"<li>(.*?)</li>")
_FAST_TOKEN_RE = re.compile(r"<br ?/?>|<(strong|b|em|i)>([^<]*)</\1>|[^<]+")


def _unescape_fast(text):
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _lines_from_simple_html(html):
    """:func:`_lines_from_html` of ``html`` matching :data:`_FAST_RE`, worked out
    without the parser; None for any other HTML."""
    if not html.isprintable() or not _FAST_RE.fullmatch(html):
        return None
    lines = []
    for block in _FAST_BLOCK_RE.finditer(html):
        content = block.group(1)
        if content is None:  # a list: the "li" branch of walk()
            for item in _FAST_ITEM_RE.findall(block.group(3)):
                text = _clean_text(_unescape_fast(item))
                if text:
                    lines.append(_Line("item", _BULLET_RE.sub("", text, count=1)))
            continue
        text, fragment = [], []  # _inline_chunks(): raw runs are _escape(their text)
        for token in _FAST_TOKEN_RE.finditer(content):
            raw = token.group(0)
            if raw[0] != "<":
                text.append(_unescape_fast(raw))
                fragment.append(raw)
            elif token.group(1):
                text.append(_unescape_fast(token.group(2)))
                fragment.append(f"<{token.group(1)}>{token.group(2)}</{token.group(1)}>")
            else:  # <br>
                _classify("".join(text), "".join(fragment), lines)
                text, fragment = [], []
        _classify("".join(text), "".join(fragment), lines)
    return lines


def _lines_from_html(html):
    lines = _lines_from_simple_html(html)
    if lines is not None:
        return lines
    return _lines_from_parsed_html(html)


def _lines_from_parsed_html(html):
    soup, root = parse_html(html)
    for tag in _tags(soup, _DROP):
        tag.decompose()
    lines = []

    def walk(container):
        pending = []  # inline nodes between block elements

        def flush():
            if pending:
                wrapper = soup.new_tag("p")
                for node in pending:
                    wrapper.append(node.extract() if node.parent else node)
                for text, fragment in _inline_chunks(wrapper):
                    _classify(text, fragment, lines)
                pending.clear()

        for child in list(container.children):
            if isinstance(child, Comment):
                continue
            if isinstance(child, Tag) and child.name in {"ul", "ol"}:
                flush()
                for li in _child_tags(child, "li") or [child]:
                    nested = _tags(li, _LIST_TAGS)
                    for sub in nested:
                        sub.extract()
                    text = _clean_text(li.get_text(" "))
                    if text:
                        lines.append(_Line("item", _BULLET_RE.sub("", text, count=1)))
                    for sub in nested:
                        for sub_li in _tags(sub, ("li",)):
                            sub_text = _clean_text(sub_li.get_text(" "))
                            if sub_text:
                                lines.append(_Line("item", sub_text))
            elif isinstance(child, Tag) and child.name in _BLOCK_TAGS - {"li"}:
                flush()
                if any(
                    isinstance(node, Tag) and node.name in _CONTAINER_TAGS
                    for node in child.descendants
                ):
                    walk(child)
                else:
                    for text, fragment in _inline_chunks(child):
                        _classify(text, fragment, lines)
            else:
                pending.append(child)
        flush()

    walk(root)
    return lines


def _lines_from_text(text):
    lines = []
    for raw in text.splitlines():
        _classify(raw, _escape(raw), lines)
    return lines


# -- blocks --------------------------------------------------------------------


def description_blocks(value):
    """Raw StreamField data (with ids) for a Decidim description, HTML or plain text."""
    if not value or not value.strip():
        return []
    lines = _lines_from_html(value) if _is_html(value) else _lines_from_text(value)
    blocks, rich = [], []
    section = None
    used = set()

    def flush_rich():
        if not rich:
            return
        parts, items = [], []
        markup = False  # a line holds tags of its own (links, bold…)
        for line in rich:
            if line.kind == "item":
                items.append(f"<li>{_escape(line.text)}</li>")
                continue
            if items:
                parts.append(f"<ul>{''.join(items)}</ul>")
                items = []
            markup = markup or "<" in line.html
            parts.append(f"<p>{line.html or _escape(line.text)}</p>")
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
        html = "".join(parts)
        html = sanitise_rich_text(html) if markup else _escaped_text_rich_text(html)
        if html:
            blocks.append({"type": "texte", "value": html, "id": new_id()})
        rich.clear()

    def close_section():
        nonlocal section
        if section is None:
            return
        kind, heading, intro, items = section
        if not items and intro:
            items, intro = intro, []
        if items:
            blocks.append(
                {
                    "type": kind,
                    "value": {
                        "heading": heading,
                        "introduction": "\n".join(intro),
                        "items": [
                            {"type": "item", "value": item, "id": new_id()} for item in items
                        ],
                    },
                    "id": new_id(),
                }
            )
        section = None

    for line in lines:
        if line.kind == "heading":
            close_section()
            flush_rich()
            kind = _heading_key(line.text)
            if kind in used:  # a second "Pourquoi ?" becomes a free section
                section = ("section", line.text, [], [])
            else:
                used.add(kind)
                section = (kind, line.text, [], [])
        elif section is not None:
            _, _, intro, items = section
            if line.kind == "item":
                items.append(line.text)
            elif not items:
                intro.append(line.text)
            else:  # a paragraph after the bullets ends the section
                close_section()
                rich.append(line)
        else:
            rich.append(line)
    close_section()
    flush_rich()
    return blocks


def report_blocks(value):
    """Raw StreamField data for a Decidim closing report: one sanitised rich-text block."""
    html = sanitise_rich_text(value or "")
    return [{"type": "texte", "value": html, "id": new_id()}] if html else []


def plain_text(value):
    """A Decidim text that may hold HTML (location hints…), as plain text."""
    if not value:
        return ""
    if not _is_html(value):
        return _clean_text(value)
    soup, _root = parse_html(value)
    for tag in soup.find_all(["br", "p", "li", "div"]):
        tag.insert_after("\n")
    return "\n".join(filter(None, (_clean_text(line) for line in soup.get_text().splitlines())))
