"""Decidim's HTML descriptions become section blocks and sanitised rich text."""

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rencontres.importers.html import description_blocks, plain_text, sanitise_rich_text

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

# The description of the seed page (« Atelier territorial Vallée du Gier » on Decidim, in
# shared/seed), verbatim: the text Decidim showed, headings glued to bullets included.
SEED_DESCRIPTION = """\
Pourquoi ?
•Partager des éléments de diagnostic issus des quartiers populaires concernés
•Collecter des avis, préconisations pour le futur contrat de ville
•Mobiliser habitants et acteurs pour les Assises de la politique de la ville
•Engager une dynamique de concertation territoriale pour l’application du futur contrat de ville métropolitain
Pour et avec qui ?
•Acteurs (sociaux, culturels, économiques) des quartiers populaires
•Habitants et associations d’habitants
•Agents des collectivités concernés par la politique de la ville (chefs de projet, responsables de service)Comment ?
•Atelier de 3h environ (pauses comprises)
•Méthodologies créatives et participatives
•Animation et outillage par Kaléido’Scop, coopérative expérimentée sur les enjeux et outils de la participation : méthodes reproductibles et transmises pour d’autres temps de concertation sur les territoires
"""  # noqa: E501 - verbatim


def _sections(blocks):
    return {
        block["type"]: (
            block["value"]["heading"],
            [item["value"] for item in block["value"]["items"]],
        )
        for block in blocks
        if isinstance(block["value"], dict)
    }


def test_the_seed_description_becomes_the_three_sections_with_its_bullets_verbatim():
    blocks = description_blocks(SEED_DESCRIPTION)

    assert [block["type"] for block in blocks] == ["pourquoi", "pour_qui", "comment"]
    sections = _sections(blocks)
    assert sections["pourquoi"][0] == "Pourquoi ?"
    assert sections["pourquoi"][1] == [
        "Partager des éléments de diagnostic issus des quartiers populaires concernés",
        "Collecter des avis, préconisations pour le futur contrat de ville",
        "Mobiliser habitants et acteurs pour les Assises de la politique de la ville",
        "Engager une dynamique de concertation territoriale pour l’application du futur "
        "contrat de ville métropolitain",
    ]
    # "…(chefs de projet, responsables de service)Comment ?": the glued heading is split off.
    assert sections["pour_qui"][1][-1] == (
        "Agents des collectivités concernés par la politique de la ville "
        "(chefs de projet, responsables de service)"
    )
    assert len(sections["comment"][1]) == 3
    assert sections["comment"][1][2].startswith("Animation et outillage par Kaléido’Scop")


def test_html_with_li_bullets_headings_and_other_paragraphs():
    html = (
        "<p>Une rencontre ouverte à toutes et tous.</p>"
        "<h2>Pourquoi ?</h2><ul><li>Faire le bilan</li><li>Recueillir les priorités</li></ul>"
        "<p><strong>Pour et avec qui&nbsp;?</strong></p><p>Tous les publics :</p>"
        "<ul><li>Habitants</li><li>Conseils citoyens</li></ul>"
        "<p><b>Comment :</b></p><p>• Plénière<br>• Ateliers</p>"
        '<p>Plus d’informations <a href="https://www.example.org/" onclick="x()">ici</a>.'
        "<script>alert('x')</script></p>"
    )
    blocks = description_blocks(html)

    assert [block["type"] for block in blocks] == [
        "texte",
        "pourquoi",
        "pour_qui",
        "comment",
        "texte",
    ]
    assert blocks[0]["value"] == "<p>Une rencontre ouverte à toutes et tous.</p>"
    pour_qui = blocks[2]["value"]
    assert pour_qui["introduction"] == "Tous les publics :"
    assert [item["value"] for item in pour_qui["items"]] == ["Habitants", "Conseils citoyens"]
    assert [item["value"] for item in blocks[3]["value"]["items"]] == ["Plénière", "Ateliers"]
    assert (
        blocks[4]["value"]
        == '<p>Plus d’informations <a href="https://www.example.org/">ici</a>.</p>'
    )
    # Every block and every item has its own id, as the admin gives them.
    ids = [block["id"] for block in blocks] + [
        item["id"] for block in blocks[1:4] for item in block["value"]["items"]
    ]
    assert len(set(ids)) == len(ids)


def test_english_headings_give_the_same_sections():
    blocks = description_blocks(
        "<p><strong>Why?</strong></p><p>•Share a diagnosis</p>"
        "<p><strong>For and with whom?</strong></p><ul><li>Residents</li></ul>"
        "<p><strong>How?</strong></p><ul><li>A workshop</li></ul>"
    )
    assert _sections(blocks) == {
        "pourquoi": ("Why?", ["Share a diagnosis"]),
        "pour_qui": ("For and with whom?", ["Residents"]),
        "comment": ("How?", ["A workshop"]),
    }


def test_a_description_without_sections_is_rich_text():
    blocks = description_blocks("Une balade commentée.\nRendez-vous devant la mairie.")
    assert blocks == [
        {
            "type": "texte",
            "value": "<p>Une balade commentée.</p><p>Rendez-vous devant la mairie.</p>",
            "id": blocks[0]["id"],
        }
    ]
    assert description_blocks("") == []
    assert description_blocks("<p>&nbsp;</p>") == []


def test_rich_text_keeps_only_what_the_editor_allows():
    html = sanitise_rich_text(
        '<h1>Titre</h1><p style="color:red">Un <strong>texte</strong> <em>riche</em> '
        '<span class="x">et</span> <a href="javascript:alert(1)">un piège</a> '
        '<a href="mailto:contact@example.org" target="_blank">contact</a></p>'
        '<img src="x.png" onerror="alert(1)"><iframe src="https://evil.example"></iframe>'
        "<table><tr><td>cellule</td></tr></table><!-- commentaire -->"
    )
    assert html == (
        "<h3>Titre</h3><p>Un <b>texte</b> <i>riche</i> et un piège "
        '<a href="mailto:contact@example.org">contact</a></p><p>cellule</p>'
    )


def test_plain_text_of_html_location_hints():
    assert plain_text("<p>Parking gratuit</p><p>Bus&nbsp;ligne 1</p>") == (
        "Parking gratuit\nBus ligne 1"
    )
    assert plain_text("  Salle  accessible  ") == "Salle accessible"


# Escaped text in paragraphs and list items: what the description's free text becomes
# before Draftail's converter, written without a second parse when it has no tags.
ESCAPED_TEXTS = [
    "Une rencontre organisée à Saint-Étienne.",
    "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt; « guillemets » 'simples' \"doubles\"",
    "  des   espaces  autour  ",
    "&amp;nbsp; &amp;amp; &amp;#233; entités écrites",
    "Émoji 🎉 et idéogrammes 漢字, ligature ﬁ, tiret – et points…",
    "Ligne\nsur deux lignes",  # a line break: not printable, the full path
    "Caractère de contrôle \x0b ici",
    "Insécable\xa0ici",
]


@pytest.mark.parametrize("text", ESCAPED_TEXTS)
def test_rich_text_of_escaped_text_is_the_sanitised_rich_text(text):
    from rencontres.importers.html import _escaped_text_rich_text

    html = f"<p>{text}</p><ul><li>{text}</li><li>Habitants</li></ul><p>{text}</p>"
    expected = sanitise_rich_text(html)
    assert "<p>" in expected and "<li>" in expected
    assert _escaped_text_rich_text(html) == expected


def test_a_description_paragraph_with_markup_and_one_without_are_both_sanitised():
    blocks = description_blocks(
        "<p>Texte &amp; <b>gras</b> <span style='x'>stylé</span></p>"
        "<p><strong>Pourquoi ?</strong></p><p>•Partager</p><p>Après &lt;tout&gt;</p>"
    )
    assert [block["type"] for block in blocks] == ["texte", "pourquoi", "texte"]
    assert blocks[0]["value"] == "<p>Texte &amp; <b>gras</b> stylé</p>"
    assert blocks[2]["value"] == "<p>Après &lt;tout&gt;</p>"


# -- the lines of rich text (search index, history), with and without the parser --------

_TEXT = st.lists(
    st.sampled_from(list("aé Z9'\"&<>;#–…🎉\xa0\n\t") + ["&amp;", "&lt;", "&quot;", "&nbsp;"]),
    max_size=12,
).map("".join)


def _escaped(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quotes_escaped(text):
    return _escaped(text).replace('"', "&quot;")


_BLOCK = st.one_of(
    st.tuples(st.sampled_from(["p", "h2", "h3", "h4"]), _TEXT.map(_escaped)).map(
        lambda block: f"<{block[0]}>{block[1]}</{block[0]}>"
    ),
    st.tuples(st.sampled_from(["ul", "ol"]), st.lists(_TEXT.map(_quotes_escaped), max_size=3)).map(
        lambda block: f"<{block[0]}>{''.join(f'<li>{i}</li>' for i in block[1])}</{block[0]}>"
    ),
    # Text as it is, unescaped, and other markup: the parser reads them.
    _TEXT,
    st.sampled_from(["<p>a<b>b</b></p>", "<br/>", "<li>x</li>", " ", "<p>a</p ", "<h1>t</h1>"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_BLOCK, max_size=5).map("".join))
def test_the_lines_of_rich_text_read_without_the_parser_are_the_parser_s(html):
    from rencontres.text import _parsed_html_lines, html_lines

    assert html_lines(html) == (_parsed_html_lines(html) if html else [])


def test_plain_rich_text_is_read_without_the_parser_and_gives_its_lines():
    from rencontres.text import _plain_html_lines

    html = (
        "<p>Tom &amp; Jerry  &lt;3</p><h3>&quot;Titre&quot;</h3>"
        "<ul><li>Café</li><li> </li></ul><p></p>"
    )
    assert _plain_html_lines(html) == ["Tom & Jerry <3", '"Titre"', "•Café"]
    assert _plain_html_lines("<p>a <b>b</b></p>") is None


# -- escaped text without Draftail's converter, when the result is sure ------------------

# Text as the importer escapes it (_escape), from a broad alphabet: letters (accented,
# other scripts, decomposed), digits, punctuation, apostrophes and quotes, characters
# _escape escapes, entity-like text, whitespace of every kind, emoji, controls.
_PLAIN_CHARS = list("aZzéÉàçœŒßñ漢字ΩЖ09²½_.,;:!?'\"’‘«»“”()[]/@#%*+=°€$–—…•·-")
_TRICKY_CHARS = list("&<>`{}|\\~^£\xa0\u202f\u200b\u2028\t\n\r\x0b\x00\u0301ﬁ🎉") + [
    "&amp;",
    "&nbsp;",
    "&#x27;",
    "&quot;",
    "  ",
    " ",
]
_WORD = st.lists(st.sampled_from(_PLAIN_CHARS), min_size=1, max_size=8).map("".join)
_SPACE = st.sampled_from([" ", " ", " ", "  ", "\t", "\n", "\xa0", "\u202f"])
_ESCAPED_TEXT = st.one_of(
    # Words and single spaces: mostly what the fast path accepts.
    st.lists(_WORD, min_size=1, max_size=5).map(" ".join),
    st.lists(_WORD, min_size=1, max_size=5).map(" ".join),
    # Words and spaces: leading, trailing, doubled, other kinds.
    st.lists(st.one_of(_WORD, _WORD, _SPACE), max_size=8).map("".join),
    st.tuples(
        st.one_of(st.just(""), _SPACE),
        st.lists(_WORD, min_size=1, max_size=3).map(" ".join),
        st.one_of(st.just(""), _SPACE),
    ).map("".join),
    st.lists(st.one_of(_WORD, st.sampled_from(_TRICKY_CHARS)), max_size=8).map("".join),
    st.text(max_size=10),
).map(lambda text: text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
# Entities _escape never writes, put in after it: the fast path must leave them alone.
_RAW_ENTITY = st.sampled_from(["&quot;", "&#x27;", "&#39;", "&nbsp;", "&#160;", "&amp"])
_ESCAPED_TEXT_OR_ENTITY = st.one_of(
    _ESCAPED_TEXT, _ESCAPED_TEXT, _ESCAPED_TEXT, st.tuples(_ESCAPED_TEXT, _RAW_ENTITY).map("".join)
)
_ESCAPED_BLOCKS = st.lists(
    st.one_of(
        _ESCAPED_TEXT_OR_ENTITY.map("<p>{}</p>".format),
        st.lists(_ESCAPED_TEXT_OR_ENTITY.map("<li>{}</li>".format), max_size=3).map(
            lambda items: f"<ul>{''.join(items)}</ul>"
        ),
    ),
    max_size=4,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_ESCAPED_BLOCKS)
def test_escaped_text_skips_the_converter_only_for_the_converter_s_own_result(html):
    from rencontres.importers.html import _draftail, _escaped_text_rich_text, _plain_draftail

    draftail = _draftail(html)
    plain = _plain_draftail(html)
    if plain is not None:
        assert plain == draftail
    if html.isprintable():
        assert _escaped_text_rich_text(html) == draftail
    else:
        assert _escaped_text_rich_text(html) == sanitise_rich_text(html)


def test_the_usual_escaped_text_skips_the_converter():
    from rencontres.importers.html import _draftail, _escaped_text_rich_text, _plain_draftail

    html = (
        "<p>Atelier de 3h environ (pauses comprises) à Saint-Étienne : « venez » !</p>"
        "<ul><li>Habitants et associations d’habitants</li><li>Tom &amp; Jerry &lt;3</li>"
        '<li>50% — 10€ * 2 = "20"; l\'été…</li></ul><p>•Méthodes [1/2] #concertation</p>'
    )
    assert _plain_draftail(html) == html == _draftail(html) == _escaped_text_rich_text(html)
    # Every letter and digit of Unicode (\w) comes back as it is.
    word = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\w", c))
    assert _plain_draftail(f"<p>{word}</p>") == _draftail(f"<p>{word}</p>")


# What the converter does to what the fast path leaves to it (fast: False), and two cases
# the fast path takes: lists apart, entity-like text escaped.
@pytest.mark.parametrize(
    ("html", "converted", "fast"),
    [
        ("<p> a  b </p>", "<p>a b</p>", False),  # whitespace collapsed and stripped
        ("<p> a</p><ul><li>b </li></ul>", "<p>a</p><ul><li>b</li></ul>", False),
        ("<p>a\tb</p>", "<p>a b</p>", False),
        ("<p>a\xa0b</p>", "<p>a\xa0b</p>", False),  # kept, but not printable
        ("<p>&quot;a&#x27;b&#39;&nbsp;</p>", "<p>\"a'b'\xa0</p>", False),  # decoded
        ("<p></p><ul><li></li></ul>", "<p></p><ul><li></li></ul>", False),
        ("<ul></ul>", "<p></p>", False),
        # Two lists in a row become one.
        ("<ul><li>a</li></ul><ul><li>b</li></ul>", "<ul><li>a</li><li>b</li></ul>", False),
        ("<ul><li>a</li></ul><p>b</p><ul><li>c</li></ul>", None, True),
        ("", "<p></p>", False),
        ("<p>🎉 ﬁ e\u0301</p>", "<p>🎉 ﬁ e\u0301</p>", False),
        ("<p>a &amp;amp; &amp;nbsp;</p>", "<p>a &amp;amp; &amp;nbsp;</p>", True),
    ],
)
def test_what_the_converter_changes_is_left_to_it(html, converted, fast):
    from rencontres.importers.html import _draftail, _escaped_text_rich_text, _plain_draftail

    converted = html if converted is None else converted
    assert _draftail(html) == converted
    assert _plain_draftail(html) == (converted if fast else None)
    if html.isprintable():
        assert _escaped_text_rich_text(html) == converted


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        (
            "<i>Le quartier<ul><li>Habitants</li></ul>",
            "<p>Le quartier</p><ul><li>Habitants</li></ul>",
        ),
        (
            "<p>Intro</p><b>Pourquoi ?<ul><li>Comprendre</li><li>Agir</li></ul>",
            "<p>Intro</p><p>Pourquoi ?</p><ul><li>Comprendre</li><li>Agir</li></ul>",
        ),
        (
            "<p>Avant</p><a href='https://exemple.fr/'>Programme<ol><li>Accueil</li></ol></a>",
            "<p>Avant</p><p>Programme</p><ol><li>Accueil</li></ol>",
        ),
    ],
)
def test_markup_draftail_cannot_read_keeps_its_blocks(html, kept):
    """Draftail's converter stops on an assertion for a list inside an unclosed inline
    style: the description keeps its paragraphs and lists (that stretch's styling is
    lost) instead of stopping the whole import."""
    blocks = description_blocks(html)
    assert [(block["type"], block["value"]) for block in blocks] == [("texte", kept)]


def test_markup_the_converter_still_cannot_read_keeps_its_text(monkeypatch):
    """Whatever else the converter trips on, the words are kept, a paragraph per line
    (an item with its bullet, as the seed page writes them)."""
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

    from rencontres.importers.html import _draftail

    read = ContentstateConverter.from_database_format

    def only_plain_paragraphs(self, html):
        if "<ul>" in html or "<i>" in html:
            raise AssertionError("unreadable")
        return read(self, html)

    monkeypatch.setattr(ContentstateConverter, "from_database_format", only_plain_paragraphs)
    assert _draftail("<p>Le <i>quartier</i></p><ul><li>Habitants</li></ul>") == (
        "<p>Le quartier</p><p>•Habitants</p>"
    )
