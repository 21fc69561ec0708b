"""rencontres.exports: the one definition of a rencontre's spreadsheet columns."""

import datetime as dt

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import Locale

from rencontres.exports import EXPORT_COLUMNS, export_dicts, export_headers, export_rows
from rencontres.models import RencontrePage
from tests.factories import (
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    departement,
    sections,
)


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.english = Locale.objects.get_or_create(language_code="en")[0]
        kaleido = OrganisationFactory(name="Kaléido’Scop")
        centre = OrganisationFactory(name="Centre social Les Trois Quartiers")
        start = dt.datetime(2030, 5, 12, 7, 0, tzinfo=dt.UTC)
        cls.noumea = RencontrePageFactory(
            parent=cls.index,
            title="Atelier territorial Nouméa",
            departement=departement("988"),
            start=start,
            end=start + dt.timedelta(hours=2, minutes=30),
            format="hybride",
            online_url="https://visio.example.org/noumea",
            venue="Maison du citoyen",
            postcode="98800",
            commune="Nouméa",
            latitude="-22.276000",
            longitude="166.457000",
            capacity=40,
            registration_mode="link",
            registration_url="https://www.example.org/inscription/noumea",
            registration_deadline=start - dt.timedelta(days=2),
            description=sections(
                pourquoi=["Partager un diagnostic", "Collecter des avis"],
                comment=["Atelier de 2h30"],
            ),
            organisers=[kaleido, centre],
        )
        cls.noumea.save_revision().publish()
        english = cls.noumea.copy_for_translation(cls.english, copy_parents=True)
        english.title = "Territorial workshop in Nouméa"
        english.save_revision().publish()
        cls.english_page = english

    def dicts(self, queryset, **kwargs):
        _keys, _labels, rows = export_dicts(queryset, **kwargs)
        return list(rows)

    def test_headers_have_one_column_per_language_for_translated_fields(self):
        keys, labels = export_headers(["fr", "en"])
        self.assertEqual(keys[:4], ["title_fr", "title_en", "url_fr", "url_en"])
        self.assertIn("description_fr", keys)
        self.assertIn("description_en", keys)
        self.assertIn("departement_code", keys)
        self.assertNotIn("departement_code_fr", keys)
        translated = sum(column.translated for column in EXPORT_COLUMNS)
        self.assertEqual(len(keys), len(EXPORT_COLUMNS) + translated)
        self.assertEqual(labels[0], "Titre (fr)")

    def test_a_row_holds_every_public_field(self):
        queryset = RencontrePage.objects.filter(pk=self.noumea.pk)
        with translation.override("fr"):
            (row,) = self.dicts(queryset, languages=["fr", "en"])
        self.assertEqual(row["title_fr"], "Atelier territorial Nouméa")
        self.assertEqual(row["title_en"], "Territorial workshop in Nouméa")
        self.assertTrue(row["url_fr"].endswith("/rencontres/atelier-territorial-noumea/"))
        self.assertIn("/en/", row["url_en"])
        self.assertEqual(row["departement_code"], "988")
        self.assertEqual(row["departement_name"], "Nouvelle-Calédonie")
        self.assertEqual(row["region"], "")
        self.assertEqual(row["start"], "2030-05-12T18:00:00+11:00")
        self.assertEqual(row["end"], "2030-05-12T20:30:00+11:00")
        self.assertEqual(row["registration_deadline"], "2030-05-10T18:00:00+11:00")
        self.assertEqual(row["timezone"], "Pacific/Noumea")
        self.assertEqual(row["format"], "Hybride")
        self.assertEqual(row["status"], "Prévue")
        self.assertEqual(row["period"], "Passée" if self.noumea.is_past else "À venir")
        self.assertEqual(row["registration_mode"], "Lien d’inscription externe")
        self.assertEqual(row["latitude"], -22.276)
        self.assertEqual(row["capacity"], 40)
        self.assertEqual(row["attendance"], "")
        self.assertEqual(row["organisers"], "Kaléido’Scop; Centre social Les Trois Quartiers")
        self.assertEqual(
            row["description_fr"],
            "Pourquoi ?\n•Partager un diagnostic\n•Collecter des avis\nComment ?\n•Atelier de 2h30",
        )
        self.assertEqual(row["venue_fr"], "Maison du citoyen")
        published = dt.datetime.fromisoformat(row["last_published_at"])
        self.assertLess(abs(published - timezone.now()), dt.timedelta(hours=1))

    def test_published_only_leaves_out_draft_translations(self):
        # The English translation goes back to draft.
        RencontrePage.objects.filter(pk=self.english_page.pk).update(live=False)
        queryset = RencontrePage.objects.filter(pk=self.noumea.pk)
        (row,) = self.dicts(queryset, languages=["fr", "en"], published_only=True)
        self.assertEqual(row["title_en"], "")
        (row,) = self.dicts(queryset, languages=["fr", "en"])
        self.assertEqual(row["title_en"], "Territorial workshop in Nouméa")

    def test_rows_follow_the_queryset_order_and_its_pages(self):
        headers, rows = export_rows(
            RencontrePage.objects.filter(pk__in=[self.noumea.pk, self.english_page.pk]).order_by(
                "-locale__language_code"
            ),
            languages=["fr", "en"],
        )
        rows = list(rows)
        self.assertEqual(len(rows), 2)
        self.assertEqual(len(rows[0]), len(headers))
        # Both rows are the same rencontre, seen from each language.
        self.assertEqual([row[0] for row in rows], ["Atelier territorial Nouméa"] * 2)

    def test_query_count_does_not_grow_with_rows(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                list(export_rows(RencontrePage.objects.all())[1])
            return len(queries)

        count()
        first = count()
        organisation = OrganisationFactory()
        for position in range(10):
            RencontrePageFactory(
                parent=self.index,
                title=f"Atelier n°{position}",
                departement=departement(["42", "971", "2B"][position % 3]),
                organisers=[organisation],
            )
        self.assertEqual(count(), first)
