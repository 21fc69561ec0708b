"""One text of the content (rencontres.text, the blocks' ``text_lines``).

A description with the three sections (one with an introduction), a quotation and a
rich text with a list reads the same for every consumer, the way the history shows it:
the heading, « Introduction : … », one « •item » line per item. The admin's CSV and
XLSX, the open data's CSV and JSON, the .ics DESCRIPTION, the search index and the
history hold that text; the meta description and the feed summarise it.
"""

import csv
import io
import xml.etree.ElementTree as ET

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar
from openpyxl import load_workbook
from wagtail import blocks

from rencontres.exports import export_dicts
from rencontres.history import version_changes
from rencontres.history.lines import stream_lines as stream_lines_of_revision
from rencontres.history.references import Resolver
from rencontres.models import RencontrePage
from rencontres.models.blocks import TextBlockMixin
from rencontres.public.seo import summary_text
from rencontres.text import stream_lines, stream_text
from tests.factories import local_datetime, superuser

from .public import (
    card_titles,
    document,
    image,
    organisation,
    rencontre,
    rich_rencontre,
    site,
    soup,
)

DESCRIPTION = [
    (
        "pourquoi",
        {
            "heading": "Pourquoi ?",
            "introduction": "Le futur contrat de ville se prépare avec vous.",
            "items": ["Partager un diagnostic", "Collecter des avis"],
        },
    ),
    (
        "pour_qui",
        {
            "heading": "Pour et avec qui ?",
            "introduction": "",
            "items": ["Habitants et associations d’habitants"],
        },
    ),
    (
        "comment",
        {
            "heading": "Comment ?",
            "introduction": "",
            "items": ["Atelier de 3h environ (pauses comprises)"],
        },
    ),
    (
        "citation",
        {
            "text": "Les habitants sont les premiers experts de leur quartier.",
            "author": "Une participante",
        },
    ),
    (
        "texte",
        "<p>Un <b>atelier</b> ouvert &amp; gratuit.</p>"
        "<ul><li>Accueil café</li><li>Restitution en plénière</li></ul>",
    ),
]

#: The one text of DESCRIPTION, line by line.
LINES = [
    "Pourquoi ?",
    "Introduction : Le futur contrat de ville se prépare avec vous.",
    "•Partager un diagnostic",
    "•Collecter des avis",
    "Pour et avec qui ?",
    "•Habitants et associations d’habitants",
    "Comment ?",
    "•Atelier de 3h environ (pauses comprises)",
    "Les habitants sont les premiers experts de leur quartier.",
    "Auteur ou autrice : Une participante",
    "Un atelier ouvert & gratuit.",
    "•Accueil café",
    "•Restitution en plénière",
]
TEXT = "\n".join(LINES)


def description_value(blocks):
    """A description StreamValue as loaded from the database: raw, converted on access."""
    return RencontrePage._meta.get_field("description").to_python(field_prep(blocks))


def field_prep(blocks):
    """The JSON a revision stores for a description."""
    stream_block = RencontrePage._meta.get_field("description").stream_block
    return stream_block.get_prep_value(stream_block.to_python(blocks))


def csv_rows(content):
    header, *body = list(csv.reader(io.StringIO(content)))
    return [dict(zip(header, row, strict=True)) for row in body]


class OneTextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = site()
        cls.user = superuser()
        cls.page = rencontre(
            cls.index,
            title="Atelier territorial Vallée du Gier",
            start=local_datetime(2030, 3, 12, 14, 0),
            end=local_datetime(2030, 3, 12, 17, 0),
            postcode="42800",
            commune="Rive-de-Gier",
            organisers=[organisation("Kaléido’Scop")],
            description=DESCRIPTION,
        )

    def test_the_blocks_compute_the_text(self):
        description = self.page.description
        pourquoi, _pour_qui, _comment, citation, texte = description
        self.assertEqual(pourquoi.value.text_lines(), LINES[:4])
        self.assertEqual(citation.value.text_lines(), LINES[8:10])
        self.assertEqual(texte.block.text_lines(texte.value), LINES[10:])
        self.assertEqual(stream_lines(description), LINES)
        self.assertEqual(stream_text(description), TEXT)

    def test_admin_csv_and_xlsx(self):
        self.client.force_login(self.user)
        response = self.client.get("/admin/rencontres/", {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        (row,) = csv_rows(b"".join(response.streaming_content).decode("utf-8"))
        self.assertEqual(row["Description (fr)"], TEXT)

        response = self.client.get("/admin/rencontres/", {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(b"".join(response)), read_only=True).active
        header, row = sheet.iter_rows(values_only=True)
        self.assertEqual(dict(zip(header, row, strict=True))["Description (fr)"], TEXT)

    def test_open_data_csv_and_json(self):
        response = self.client.get(f"{self.index.url}donnees.csv")
        self.assertEqual(response.status_code, 200)
        (row,) = csv_rows(response.content.decode("utf-8"))
        self.assertEqual(row["Description (fr)"], TEXT)

        response = self.client.get(f"{self.index.url}donnees.json")
        self.assertEqual(response.status_code, 200)
        (item,) = response.json()["rencontres"]
        self.assertEqual(item["description_fr"], TEXT)

    def test_ics_description(self):
        for url in (f"{self.page.url}agenda.ics", f"{self.index.url}agenda.ics"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            (event,) = Calendar.from_ical(response.content).walk("VEVENT")
            paragraphs = str(event["DESCRIPTION"]).split("\n\n")
            self.assertEqual(paragraphs[:2], ["Organisée par : Kaléido’Scop", TEXT], url)

    def test_meta_description_and_feed_summarise_the_text(self):
        # The items (« • » lines) of the first block of text, on one line.
        summary = "Partager un diagnostic; Collecter des avis"
        self.assertEqual(summary_text(self.page.description), summary)
        page = soup(self.client.get(self.page.url))
        self.assertEqual(
            page.find("meta", attrs={"name": "description"})["content"],
            f"mardi 12 mars 2030, de 14:00 à 17:00, Rive-de-Gier. {summary}",
        )
        feed = ET.fromstring(self.client.get(f"{self.index.url}flux/").content)  # noqa: S314
        (item,) = feed.iter("item")
        self.assertEqual(item.findtext("description").splitlines()[-1], summary)

    def test_summary_of_other_first_blocks(self):
        self.assertEqual(
            summary_text(description_value(DESCRIPTION[4:])),
            "Accueil café; Restitution en plénière",
        )
        self.assertEqual(
            summary_text(description_value(DESCRIPTION[3:4])),
            "Les habitants sont les premiers experts de leur quartier. "
            "Auteur ou autrice : Une participante",
        )
        # An image first is no summary: the summary reads the first block of text.
        photo = ("image", {"image": image("Photo"), "alt_text": "", "caption": "Mars 2030"})
        with self.assertNumQueries(0):
            summary = summary_text(description_value([photo, *DESCRIPTION[2:3]]))
        self.assertEqual(summary, "Atelier de 3h environ (pauses comprises)")

    def test_the_search_index_holds_the_text(self):
        field = RencontrePage._meta.get_field("description")
        self.assertEqual(field.get_searchable_content(self.page.description), LINES)
        for word in ("contrat", "participante", "plénière"):
            response = self.client.get(self.index.url, {"q": word, "periode": "toutes"})
            self.assertEqual(card_titles(response), [self.page.title], word)

    def test_search_finds_the_title_of_an_image_or_a_document(self):
        rencontre(
            self.index,
            title="Atelier illustré",
            start=local_datetime(2030, 3, 20, 14, 0),
            description=[
                ("image", {"image": image("Fresque participative"), "alt_text": ""}),
                ("document", {"document": document("Cahier des doléances"), "title": ""}),
            ],
        )
        for word in ("fresque", "doléances"):
            response = self.client.get(self.index.url, {"q": word, "periode": "toutes"})
            self.assertEqual(card_titles(response), ["Atelier illustré"], word)

    def test_history(self):
        (change,) = [c for c in version_changes(self.page, 1) if c.name == "description"]
        self.assertEqual(list(change.after), LINES)
        self.assertEqual(change.as_dict()["after"], TEXT)


class HistoryRawDataTests(TestCase):
    """The history reads revisions' raw JSON: a section there is built into its value
    (no query) and reads as everywhere else; what the value cannot hold is kept."""

    def lines(self, raw):
        stream_block = RencontrePage._meta.get_field("description").stream_block
        return stream_lines_of_revision(stream_block, raw, Resolver())

    def test_a_section_reads_as_its_value_with_no_query(self):
        raw = field_prep(DESCRIPTION)
        with self.assertNumQueries(0):
            self.assertEqual(self.lines(raw), LINES)

    def test_a_block_that_reads_itself_is_asked_for_its_text(self):
        class ShoutValue(blocks.StructValue):
            def text_lines(self):
                return [self["word"].upper() + " !"]

        class ShoutBlock(TextBlockMixin, blocks.StructBlock):
            word = blocks.CharBlock()

            class Meta:
                value_class = ShoutValue

        stream_block = blocks.StreamBlock([("shout", ShoutBlock())])
        raw = [{"type": "shout", "value": {"word": "bonjour"}}]
        self.assertEqual(stream_lines_of_revision(stream_block, raw, Resolver()), ["BONJOUR !"])

    def test_removed_children_and_blocks_are_kept_with_a_note(self):
        raw = [
            {
                "type": "pourquoi",
                "value": {"heading": "Pourquoi ?", "items": ["Partager"], "public_vise": "Tous"},
            },
            {"type": "ancien_bloc", "value": {"texte": "Ancien contenu"}},
        ]
        self.assertEqual(
            self.lines(raw),
            [
                "Pourquoi ?",
                "•Partager",
                "Champ supprimé (« public_vise ») :",
                "Tous",
                "Bloc supprimé (« ancien_bloc ») :",
                "Ancien contenu",
            ],
        )

    def test_a_value_of_the_wrong_shape_is_read_as_text(self):
        raw = [{"type": "pourquoi", "value": {"heading": "Pourquoi ?", "items": "Partager"}}]
        self.assertEqual(self.lines(raw), ["Pourquoi ?", "Partager"])


class ExportQueryTests(TestCase):
    """Images and documents in the descriptions: a constant number of export queries."""

    @classmethod
    def setUpTestData(cls):
        _home, cls.index = site()
        cls.organisations = [organisation("Kaléido’Scop")]
        for n in range(2):
            rich_rencontre(cls.index, n, organisations=cls.organisations)

    def count(self):
        with CaptureQueriesContext(connection) as queries:
            _keys, _labels, rows = export_dicts(RencontrePage.objects.all())
            rows = list(rows)
        return len(queries), rows

    def test_queries_do_not_grow_with_images_and_documents(self):
        self.count()  # warms the caches (locales, content types)
        few, rows = self.count()
        self.assertIn("Document : Programme n°0", rows[0]["description_fr"])
        for n in range(2, 12):
            rich_rencontre(self.index, n, organisations=self.organisations, revision=False)
        many, rows = self.count()
        self.assertEqual(len(rows), 12)
        self.assertEqual(many, few)
