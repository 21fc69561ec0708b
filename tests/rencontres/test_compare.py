"""The admin « Comparer » screen (Wagtail's revisions compare view) on our page types.

Every field shows a meaningful diff with its French label: the département as
``42 - Loire``, organisers by name, choices by label, dates in French local time, and
each section item of the description added, removed or changed.
"""

import datetime as dt
import json
import zoneinfo

import pytest
import wagtail_factories
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from rencontres.models import RencontreIndexPage, RencontreOrganisation, RencontrePage
from tests.factories import (
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    departement,
    local_datetime,
    sections,
)
from tests.html import soup, text

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

DESCRIPTION = "Description (présentation du contexte de la rencontre mentionnant les organisateurs)"


def rows(response):
    """``{label: <td> of the changes}`` of the compare table."""
    html = soup(response)
    table = html.select_one("table.listing")
    result = {}
    for row in table.select("tbody > tr"):
        title = row.select_one("td.title")
        if title is None:
            continue
        result[text(title).rstrip(":").strip()] = row.select_one("td.comparison")
    return result


def texts(cell, selector):
    found = []
    for node in cell.select(selector):
        for hidden in node.select(".w-sr-only"):
            hidden.extract()
        found.append(text(node))
    return found


def compare_url(page, a, b):
    return reverse("wagtailadmin_pages:revisions_compare", args=(page.pk, a, b))


class RencontreCompareTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = build_site()
        cls.admin = get_user_model().objects.create_superuser(
            "admin", "admin@example.org", "secret"
        )
        cls.kaleido = OrganisationFactory(name="Kaléido’Scop")
        cls.centre = OrganisationFactory(name="Centre social Les Trois Quartiers")
        page = RencontrePageFactory(
            parent=cls.index,
            title="Atelier territorial Vallée du Gier",
            departement=None,
            start=local_datetime(2023, 3, 16, 14, 0),
            end=local_datetime(2023, 3, 16, 17, 0),
            organisers=[cls.kaleido],
            description=sections(
                pourquoi=["Partager un diagnostic", "Collecter des avis", "Mobiliser"],
                comment=["Atelier de 3h environ"],
            ),
        )
        cls.first = page.save_revision()
        cls.first.publish()

        page = RencontrePage.objects.get(pk=page.pk)
        description = page.description
        pourquoi = description[0].value
        items = pourquoi["items"]
        # Keep the block and item ids, so the diff is per item.
        items.bound_blocks[0].value = "Partager un diagnostic partagé"  # edited in place
        del items[1]
        items.append("Engager une dynamique de concertation")
        del description[1]  # the « Comment ? » section
        description.append(("texte", "<p>Un <b>texte</b> libre ajouté.</p>"))
        page.description = description
        page.departement = departement("42")
        page.status = "complete"
        page.format = "hybride"
        page.online_url = "https://visio.example.org/gier"
        page.capacity = 30
        page.latitude = "45.476900"
        page.longitude = "4.513800"  # typed together (RencontrePage.clean)
        page.start = local_datetime(2023, 3, 16, 14, 30)
        page.registration_deadline = local_datetime(2023, 3, 10, 12, 0)
        page.organisers = [
            RencontreOrganisation(organisation=cls.kaleido, sort_order=0),
            RencontreOrganisation(organisation=cls.centre, sort_order=1),
        ]
        cls.second = page.save_revision()
        cls.page = page

    def setUp(self):
        self.client.force_login(self.admin)

    def compare(self, a, b):
        response = self.client.get(compare_url(self.page, a, b))
        self.assertEqual(response.status_code, 200)
        return rows(response)

    def test_every_changed_field_has_its_french_label(self):
        labels = list(self.compare(self.first.pk, self.second.pk))
        for label in (
            "Département",
            DESCRIPTION,
            "Organisateurs",
            "Début",
            "Statut",
            "Format",
            "Latitude",
            "Lien de la rencontre en ligne",
            "Nombre de places",
            "Date limite d’inscription",
        ):
            self.assertIn(label, labels)
        self.assertNotIn("Fin", labels)  # unchanged fields are not listed

    def test_departement_by_name_never_by_id(self):
        cell = self.compare(self.first.pk, self.second.pk)["Département"]
        self.assertEqual(texts(cell, ".addition"), ["42 - Loire"])
        self.assertEqual(texts(cell, ".deletion"), [])
        self.assertNotIn(str(departement("42").pk), text(cell).replace("42 - Loire", ""))

    def test_choices_by_label(self):
        changes = self.compare(self.first.pk, self.second.pk)
        self.assertEqual(texts(changes["Statut"], ".deletion"), ["Prévue"])
        self.assertEqual(texts(changes["Statut"], ".addition"), ["Complète"])
        self.assertEqual(texts(changes["Format"], ".deletion"), ["Présentiel"])
        self.assertEqual(texts(changes["Format"], ".addition"), ["Hybride"])

    def test_dates_and_numbers_in_french(self):
        changes = self.compare(self.first.pk, self.second.pk)
        self.assertEqual(texts(changes["Début"], ".deletion"), ["jeudi 16 mars 2023 à 14:00"])
        self.assertEqual(texts(changes["Début"], ".addition"), ["jeudi 16 mars 2023 à 14:30"])
        self.assertEqual(
            texts(changes["Date limite d’inscription"], ".addition"),
            ["vendredi 10 mars 2023 à 12:00"],
        )
        self.assertEqual(texts(changes["Nombre de places"], ".addition"), ["30"])
        self.assertEqual(texts(changes["Latitude"], ".addition"), ["45,476900"])
        self.assertNotIn("None", text(changes["Nombre de places"]))

    def test_organisers_by_name(self):
        cell = self.compare(self.first.pk, self.second.pk)["Organisateurs"]
        added = cell.select(".comparison__child-object.addition")
        self.assertEqual(len(added), 1)
        self.assertIn("Centre social Les Trois Quartiers", text(added[0]))
        self.assertIn("Kaléido’Scop", text(cell))

    def test_section_items_added_removed_and_changed(self):
        cell = self.compare(self.first.pk, self.second.pk)[DESCRIPTION]
        blocks = cell.find_all("div", class_="comparison__child-object", recursive=False)
        self.assertEqual(
            [text(block.strong) for block in blocks], ["Pourquoi ?", "Comment ?", "Texte"]
        )
        pourquoi, comment, texte = blocks
        # Items of the kept section: one changed, one removed, one kept, one added.
        items = pourquoi.select("li")
        self.assertEqual(len(items), 4)
        changed, removed, kept, added = items
        self.assertEqual(texts(changed, ".addition"), ["partagé"])
        self.assertIn("Partager un diagnostic", text(changed))
        self.assertIn("deletion", removed["class"])
        self.assertEqual(text(removed.select_one(".w-sr-only")), "Supprimé :")
        self.assertIn("Collecter des avis", text(removed))
        self.assertEqual(text(kept), "Mobiliser")
        self.assertIn("addition", added["class"])
        self.assertIn("Engager une dynamique de concertation", text(added))
        # The removed section, with its items as a list; the new text block, as text.
        self.assertIn("deletion", comment["class"])
        self.assertEqual(texts(comment, "li"), ["Atelier de 3h environ"])
        self.assertIn("addition", texte["class"])
        self.assertIn("Un texte libre ajouté.", text(texte))
        self.assertNotIn("<b>", text(texte))

    def test_compare_with_live(self):
        # The live page is the first revision: comparing the second with it is the reverse.
        changes = self.compare(self.second.pk, "live")
        self.assertEqual(texts(changes["Département"], ".deletion"), ["42 - Loire"])
        self.assertEqual(texts(changes["Statut"], ".addition"), ["Prévue"])
        self.assertEqual(self.compare(self.first.pk, "live"), {})
        response = self.client.get(compare_url(self.page, self.first.pk, "live"))
        self.assertIn("aucune différence", response.content.decode())

    def test_new_section_items_are_a_list(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        page.description = sections(
            pourquoi=["Partager un diagnostic"], pour_qui=["Habitants", "Associations"]
        )
        revision = page.save_revision()
        cell = self.compare(self.first.pk, revision.pk)[DESCRIPTION]
        new = cell.select(".comparison__child-object.addition")[-1]
        self.assertEqual(text(new.strong), "Pour et avec qui ?")
        self.assertEqual(texts(new, "li"), ["Habitants", "Associations"])

    def test_image_document_and_quote_blocks(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        image = wagtail_factories.ImageFactory(title="Photo de l’atelier")
        document = wagtail_factories.DocumentFactory(title="Programme (PDF)")
        page.description = [
            ("image", {"image": image, "alt_text": "Participants", "caption": "Mars 2023"}),
            ("document", {"document": document, "title": "Le programme"}),
            ("citation", {"text": "Les habitants sont experts.", "author": "Une habitante"}),
        ]
        revision = page.save_revision()
        cell = self.compare(self.first.pk, revision.pk)[DESCRIPTION]
        added = cell.select(".comparison__child-object.addition")
        self.assertEqual([text(block.strong) for block in added], ["Image", "Document", "Citation"])
        image_block, document_block, quote_block = added
        self.assertIsNotNone(image_block.find("img"))
        self.assertIn("Mars 2023", text(image_block))
        self.assertIn("Programme (PDF)", text(document_block))
        self.assertIn("Le programme", text(document_block))
        self.assertIn("Les habitants sont experts.", text(quote_block))
        self.assertIn("Une habitante", text(quote_block))

    def test_report_attendance_and_page_settings(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        page.report = [
            (
                "section",
                {"heading": "Ce qui a été dit", "introduction": "", "items": ["Transports"]},
            )
        ]
        page.attendance = 42
        page.show_in_menus = True
        page.access_notes = "Tram T1, arrêt Hôtel de Ville."
        revision = page.save_revision()
        changes = self.compare(self.first.pk, revision.pk)
        self.assertEqual(texts(changes["Compte rendu"], "li"), ["Transports"])
        self.assertIn("Ce qui a été dit", text(changes["Compte rendu"]))
        self.assertEqual(texts(changes["Nombre de participants"], ".addition"), ["42"])
        self.assertEqual(texts(changes["Accès"], ".addition"), ["Tram T1, arrêt Hôtel de Ville."])
        menus = next(cell for label, cell in changes.items() if "menu" in label.lower())
        self.assertEqual(texts(menus, ".deletion"), ["Non"])
        self.assertEqual(texts(menus, ".addition"), ["Oui"])

    def test_overseas_dates_in_local_time(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        page.departement = departement("971")
        page.start = dt.datetime(2023, 3, 16, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Guadeloupe"))
        page.end = page.start + dt.timedelta(hours=3)
        revision = page.save_revision()
        changes = self.compare(self.first.pk, revision.pk)
        self.assertEqual(
            texts(changes["Début"], ".addition"),
            ["jeudi 16 mars 2023 à 10:00, America/Guadeloupe"],
        )


class RemovedContentCompareTests(TestCase):
    """Revisions saved before a block type, a struct child or a field was removed."""

    @classmethod
    def setUpTestData(cls):
        _home, index = build_site()
        cls.admin = get_user_model().objects.create_superuser(
            "admin", "admin@example.org", "secret"
        )
        page = RencontrePageFactory(
            parent=index, description=sections(pourquoi=["Partager un diagnostic"])
        )
        cls.first = page.save_revision()
        cls.first.publish()
        page = RencontrePage.objects.get(pk=page.pk)
        page.venue = "Salle des fêtes"
        cls.second = page.save_revision()
        for revision, audience, room in (
            (cls.first, "Jeunes de 16 à 25 ans", "Salle polyvalente"),
            (cls.second, "Jeunes de 16 à 30 ans", "Salle communale"),
        ):
            content = dict(revision.content)
            blocks = json.loads(content["description"])
            blocks[0]["value"]["public_vise"] = audience
            if revision is cls.second:
                blocks.append(
                    {
                        "type": "ancien_bloc",
                        "value": {"texte": "<p>Programme détaillé distribué sur place</p>"},
                        "id": "5d1c5e1e-0000-4000-8000-000000000002",
                    }
                )
            content["description"] = json.dumps(blocks)
            content["ancienne_salle"] = room
            revision.content = content
            revision.save(update_fields=["content"])
        cls.page = page

    def setUp(self):
        self.client.force_login(self.admin)

    def test_removed_block_struct_child_and_field_are_shown(self):
        response = self.client.get(compare_url(self.page, self.first.pk, self.second.pk))
        self.assertEqual(response.status_code, 200)
        changes = rows(response)
        description = changes[DESCRIPTION]
        removed_block = description.select(".comparison__child-object.addition")[-1]
        self.assertEqual(text(removed_block.strong), "Bloc supprimé (« ancien_bloc »)")
        self.assertIn("Programme détaillé distribué sur place", text(removed_block))
        self.assertIn("Champ supprimé (« public_vise »)", text(description))
        self.assertIn("Jeunes de 16 à", text(description))
        self.assertIn("25", " ".join(texts(description, "dd .deletion")))
        self.assertIn("30", " ".join(texts(description, "dd .addition")))
        fields = changes["Champs supprimés du modèle"]
        self.assertIn("ancienne_salle (champ supprimé)", text(fields))
        self.assertIn("polyvalente", " ".join(texts(fields, ".deletion")))
        self.assertIn("communale", " ".join(texts(fields, ".addition")))

    def test_against_a_live_row_holding_a_removed_block(self):
        raw = json.loads(self.first.content["description"])
        raw.append({"type": "ancien_bloc", "value": "Texte conservé", "id": "x-live"})
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE rencontres_rencontrepage SET description = %s::jsonb "
                "WHERE page_ptr_id = %s",
                [json.dumps(raw), self.page.pk],
            )
        response = self.client.get(compare_url(self.page, self.second.pk, "live"))
        self.assertEqual(response.status_code, 200)
        description = rows(response)[DESCRIPTION]
        blocks = description.find_all("div", class_="comparison__child-object", recursive=False)
        removed = [b for b in blocks if text(b.strong).startswith("Bloc supprimé")]
        self.assertEqual(len(removed), 2)
        self.assertIn("Texte conservé", text(removed[-1]))

    def test_edit_form_still_renders(self):
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=(self.page.pk,)))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Champs supprimés du modèle", response.content.decode())


class IndexCompareTests(TestCase):
    def test_introduction_as_text(self):
        _home, index = build_site()
        admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
        index = RencontreIndexPage.objects.get(pk=index.pk)
        index.introduction = "<p>Partout en France.</p>"
        first = index.save_revision()
        index.title = "Toutes les rencontres"
        index.introduction = "<p>Partout en <b>France</b> et outre-mer.</p>"
        second = index.save_revision()
        self.client.force_login(admin)
        response = self.client.get(compare_url(index, first.pk, second.pk))
        self.assertEqual(response.status_code, 200)
        changes = rows(response)
        self.assertEqual(list(changes), ["Titre", "Introduction"])
        self.assertIn("Partout en France", text(changes["Introduction"]))
        self.assertIn("outre-mer", " ".join(texts(changes["Introduction"], ".addition")))
        self.assertNotIn("<b>", text(changes["Introduction"]))
