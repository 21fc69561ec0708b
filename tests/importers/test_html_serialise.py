"""The importer's serialiser of inline tags gives what BeautifulSoup's ``str(tag)``
gives, for any text and for the tags it leaves to BeautifulSoup."""

import pytest
from bs4 import Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from rencontres.importers.html import _outer_html
from rencontres.text import parse_html

pytestmark = pytest.mark.plugin

_TEXT = st.lists(
    st.sampled_from([*"aéÉz09 &<>\"'’«»;#\u00a0\u2028\t\n", "&amp;", "&lt;", "&#x27;"]),
    max_size=30,
).map("".join)
_INLINE = st.tuples(
    st.sampled_from(["strong", "b", "em", "i", "span", "a", "u", "sup"]),
    st.sampled_from(["", ' href="https://example.org/?a=1&amp;b=2"', ' class="x"']),
    st.lists(st.one_of(_TEXT, _TEXT.map(lambda text: f"<br>{text}")), max_size=3).map("".join),
).map(lambda parts: f"<{parts[0]}{parts[1]}>{parts[2]}</{parts[0]}>")


def inline_tags(html):
    _soup, root = parse_html(f"<p>{html}</p>")
    return [node for node in root.descendants if isinstance(node, Tag) and node.name != "p"]


@settings(max_examples=400, deadline=None)
@given(st.lists(_INLINE, min_size=1, max_size=4).map("".join))
def test_inline_tags_are_written_as_beautifulsoup_writes_them(html):
    for tag in inline_tags(html):
        assert _outer_html(tag) == str(tag)


def test_the_common_case_and_the_others():
    strong, link, nested = inline_tags(
        '<strong>Pour &amp; avec qui ?</strong><a href="/x">lien</a><em>a<b>b</b></em>'
    )[:3]
    assert _outer_html(strong) == "<strong>Pour &amp; avec qui ?</strong>"
    assert _outer_html(link) == '<a href="/x">lien</a>'
    assert _outer_html(nested) == "<em>a<b>b</b></em>"
