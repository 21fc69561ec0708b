"""The plain text of content: one rendering for every reader of a description.

The history, the spreadsheet and open-data exports, the calendars, the meta
descriptions and the search index all read a StreamField the same way, one line at a
time:

* a section: its heading (« Pourquoi ? »), « Introduction : … » when it has one, then
  one ``•item`` line per item;
* a quotation: its text, then « Auteur ou autrice : … »;
* rich text: one line per paragraph or heading, one ``•item`` line per list item;
* an image, a document, an embed: their labelled values (« Image : … »,
  « Légende : … »).

The blocks compute their own lines (``text_lines()`` on the struct values of
:mod:`rencontres.models.blocks`, ``text_lines(value)`` on the blocks); this module holds
the helpers they share and the text of a whole stream. It imports no model, so the
history (which reads raw revision JSON) uses it too.
"""

import re

from bs4 import BeautifulSoup, Tag
from django.utils.text import capfirst
from django.utils.translation import gettext as _

#: Prefix of a list item's line: « •Partager un diagnostic ».
BULLET = "•"

__all__ = [
    "BULLET",
    "block_lines",
    "parse_html",
    "bulleted",
    "html_lines",
    "labelled",
    "labelled_lines",
    "plain_lines",
    "prefetch_streams",
    "stream_lines",
    "stream_text",
]


def labelled(label, value):
    """« Légende : Mars 2030 »."""
    return _("%(label)s : %(value)s") % {"label": capfirst(str(label)), "value": value}


def plain_lines(text):
    """The non-blank lines of a plain text, right-trimmed."""
    if text is None or text == "":
        return []
    return [line.rstrip() for line in str(text).splitlines() if line.strip()]


def labelled_lines(label, text):
    """A text's lines with the label on the first: « Introduction : … »."""
    lines = plain_lines(text)
    if not lines:
        return []
    return [labelled(label, lines[0]), *lines[1:]]


def bulleted(lines):
    """A list item's lines, the first with the bullet: « •Partager un diagnostic »."""
    if not lines:
        return []
    return [BULLET + str(lines[0]), *lines[1:]]


def parse_html(html):
    """An HTML fragment as a tree: ``(soup, root)``, ``root`` holding the fragment's nodes.

    libxml2's parser (lxml), not the standard library's: ``html.parser`` takes quadratic
    time on malformed markup (10 KB of ``<br <br …`` cost a second, 100 KB two minutes,
    CVE-2025-6069) and imported or typed text may be anything. libxml2 reads a megabyte
    of it in milliseconds. It puts the fragment in ``<html><body>``: ``root`` is the
    body (the soup itself when the fragment was empty).
    """
    soup = BeautifulSoup(str(html), "lxml")
    # ``soup.body``, without the cost of ``find()``'s matching rules.
    body = next(
        (node for node in soup.descendants if isinstance(node, Tag) and node.name == "body"),
        None,
    )
    return soup, body or soup


# Rich text as Draftail's converter writes it when it holds no inline markup:
# paragraphs, headings and lists of escaped text, nothing between the blocks.
_PLAIN = r"[^<>&]*(?:&(?:amp|lt|gt|quot);[^<>&]*)*"
_PLAIN_BLOCK_RE = re.compile(
    rf"<(?P<block>p|h2|h3|h4)>(?P<text>{_PLAIN})</(?P=block)>"
    rf"|<(?P<list>ul|ol)>(?P<items>(?:<li>{_PLAIN}</li>)*)</(?P=list)>"
)
_PLAIN_ITEM_RE = re.compile(rf"<li>({_PLAIN})</li>")


def _unescape_plain(text):
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def _plain_html_lines(html):
    """:func:`html_lines` of ``html`` made only of ``<p>``, ``<h2>``–``<h4>``, ``<ul>``
    and ``<ol>`` of escaped printable text (what the parser reads back unchanged), read
    without parsing it; None for any other HTML."""
    if not html.isprintable():
        return None
    lines, position = [], 0
    while position < len(html):
        match = _PLAIN_BLOCK_RE.match(html, position)
        if match is None:
            return None
        position = match.end()
        if match["block"]:
            text = " ".join(_unescape_plain(match["text"]).split())
            if text:
                lines.append(text)
            continue
        for item in _PLAIN_ITEM_RE.findall(match["items"]):
            text = " ".join(_unescape_plain(item).split())
            if text:
                lines.append(BULLET + text)
    return lines


def html_lines(html):
    """Readable lines of an HTML fragment: one per paragraph or heading, ``•`` per item."""
    if not html:
        return []
    lines = _plain_html_lines(str(html))
    return lines if lines is not None else _parsed_html_lines(html)


def _parsed_html_lines(html):
    """:func:`html_lines` of any HTML, through the parser."""
    _soup, root = parse_html(html)
    lines = []

    def walk(node):
        for child in node.children:
            name = getattr(child, "name", None)
            if name is None:
                text = str(child).strip()
                if text:
                    lines.append(" ".join(text.split()))
            elif name in ("ul", "ol"):
                for item in child.find_all("li", recursive=False):
                    text = " ".join(item.get_text(" ").split())
                    if text:
                        lines.append(BULLET + text)
            elif name in ("div", "section", "article", "blockquote"):
                walk(child)
            elif name == "br":
                continue
            else:
                text = " ".join(child.get_text(" ").split())
                if text:
                    lines.append(text)

    walk(root)
    return lines


def block_lines(block, value):
    """The lines of one block's (native) value.

    A block of :mod:`rencontres.models.blocks` says it with ``text_lines(value)``;
    any other block falls back to what it gives the search index.
    """
    if value is None:
        return []
    text_lines = getattr(block, "text_lines", None)
    if text_lines is not None:
        return text_lines(value)
    return [line for text in block.get_searchable_content(value) for line in plain_lines(text)]


def stream_lines(stream_value):
    """The lines of a whole StreamField value (a description, a report), block by block."""
    if not stream_value:
        return []
    lines = []
    for child in stream_value:
        lines += block_lines(child.block, child.value)
    return lines


def stream_text(stream_value):
    """A StreamField value as plain text, one line per line of :func:`stream_lines`."""
    return "\n".join(stream_lines(stream_value))


def prefetch_streams(instances, *field_names):
    """Convert the StreamField values ``field_names`` of ``instances`` in bulk.

    Reading a stream's images or documents costs a query per instance; this converts
    every instance's blocks together (one query per kind of chosen object for all of
    them, through :meth:`~wagtail.blocks.StreamBlock.bulk_to_python`) and puts the
    converted values back on the instances, as ``prefetch_related`` would. Returns the
    instances, as a list.
    """
    instances = list(instances)
    for name in field_names:
        holders = [obj for obj in instances if getattr(obj, name, None)]
        if not holders:
            continue
        stream_block = getattr(holders[0], name).stream_block
        converted = stream_block.bulk_to_python(
            [list(getattr(obj, name).raw_data) for obj in holders]
        )
        for obj, value in zip(holders, converted, strict=True):
            setattr(obj, name, value)
    return instances
