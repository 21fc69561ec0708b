"""The public change history of a rencontre (rencontres.history, rencontres.history.views).

What a visitor sees on « changements/ », « changements/<n>/ » and the Atom feed, what
an API consumer gets from ``published_versions``/``version_changes``, and the rules:
only publications count, no empty versions, no draft, no private page.
"""

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET
import zoneinfo
from unittest import mock

import pytest
import wagtail_factories
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from wagtail.models import Locale, Page, PageLogEntry, PageViewRestriction

from home.demo import seed
from home.demo.rencontres import load_rencontres
from rencontres.history import backfill, comparison
from rencontres.history.fields import history_fields
from rencontres.history.text import PublishedAtFormatter, format_published_at
from rencontres.history.versions import (
    PUBLISH_ACTIONS,
    PageHistory,
    VersionNotFound,
    published_versions,
    version_changes,
)
from rencontres.models import PublicationEvent, RencontrePage
from tests.factories import (
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    departement,
    local_datetime,
    publish,
    publish_in_bulk,
    sections,
)
from tests.html import soup, text

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

DESCRIPTION = "Description (présentation du contexte de la rencontre mentionnant les organisateurs)"
FRENCH_MONTHS = (
    *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
    *("septembre", "octobre", "novembre", "décembre"),
)
ATOM = "{http://www.w3.org/2005/Atom}"


# -- helpers -------------------------------------------------------------------------------


def save_draft(page, **changes):
    page = RencontrePage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    return page.save_revision()


def history_url(page, suffix=""):
    return f"{page.url}changements/{suffix}"


def changes_on(response):
    """``{label: {"added": [...], "removed": [...], "unchanged": [...]}}`` of a version page."""
    result = {}
    for section in soup(response).select("section.rencontres-change"):
        label = text(section.find("h2"))
        lines = {"added": [], "removed": [], "unchanged": []}
        for line in section.select(".rencontres-diff__line"):
            kind = next(k for k in lines if f"rencontres-diff__line--{k}" in line["class"])
            content = line.find(["ins", "del"]) or line
            for hidden in content.select(".fr-sr-only, .rencontres-diff__symbol"):
                hidden.extract()
            lines[kind].append(text(content))
        result[label] = lines
    return result


def seed_description_lines():
    return [
        "Pourquoi ?",
        *(f"•{item}" for item in seed.POURQUOI),
        "Pour et avec qui ?",
        *(f"•{item}" for item in seed.POUR_QUI),
        "Comment ?",
        *(f"•{item}" for item in seed.COMMENT),
    ]


def new_rencontre(index, **kwargs):
    """A rencontre published once (version 1)."""
    return publish(RencontrePageFactory(parent=index, **kwargs))


def add_published_revisions(page, count, start=None):
    """``count`` publications of ``page`` written in bulk, each changing the description or
    the status (every fifth one changes nothing public), like staff editing for months."""
    page = RencontrePage.objects.get(pk=page.pk)
    content = page.serializable_data()
    blocks = json.loads(content["description"]) if isinstance(content["description"], str) else []
    start = start or timezone.now() - dt.timedelta(days=count)
    existing = page.revisions.count()
    contents = []
    for i in range(count):
        n = existing + i
        if n % 5 == 4:
            content = {**content, "seo_title": f"Référencement {n}"}
        elif n % 2:
            content = {
                **content,
                "status": "complete" if content["status"] == "prevue" else "prevue",
            }
        else:
            blocks = [dict(block) for block in blocks]
            items = list(blocks[0]["value"]["items"])
            items.append({"type": "item", "value": f"Point ajouté n°{n}", "id": str(uuid.uuid4())})
            blocks[0] = {**blocks[0], "value": {**blocks[0]["value"], "items": items}}
            content = {**content, "description": json.dumps(blocks)}
        contents.append((content, start + dt.timedelta(hours=n)))
    return publish_in_bulk(page, contents)


# -- the demo's seed rencontre -----------------------------------------------------------------


class SeedHistoryTests(TestCase):
    """The demo's « Atelier territorial Vallée du Gier » reproduces the seed's page."""

    @classmethod
    def setUpTestData(cls):
        home, _index = build_site()
        load_rencontres(home)
        cls.page = RencontrePage.objects.get(slug=slugify(seed.TITLE))

    def setUp(self):
        cache.clear()

    def test_list_shows_both_versions_newest_first_with_french_dates(self):
        response = self.client.get(history_url(self.page))
        self.assertEqual(response.status_code, 200)
        html = soup(response)
        self.assertEqual(text(html.h1), "Changements sur «Atelier territorial Vallée du Gier»")
        titles = [text(h2.a) for h2 in html.select(".rencontres-history h2")]
        self.assertEqual(titles, ["Version 2 (sur 2)", "Version 1 (sur 2)"])
        first = html.select_one(".rencontres-history li")
        self.assertIn("Département", text(first))
        self.assertIn(f"{DESCRIPTION} (Français)", text(first))
        published = text(first.time)
        day, month, year, at, _time = published.split()
        self.assertIn(month, FRENCH_MONTHS)
        self.assertEqual(at, "à")
        self.assertEqual(first.a["href"], history_url(self.page, "2/"))

    def test_version_2_is_the_seed(self):
        response = self.client.get(history_url(self.page, "2/"))
        self.assertEqual(response.status_code, 200)
        html = soup(response)
        self.assertEqual(text(html.h1), "Changements sur «Atelier territorial Vallée du Gier»")
        self.assertIn("Version 2 (sur 2)", text(html.main))
        changes = changes_on(response)
        self.assertEqual(list(changes), ["Département", f"{DESCRIPTION} (Français)"])
        self.assertEqual(
            changes["Département"], {"added": ["42 - Loire"], "removed": [], "unchanged": []}
        )
        description = changes[f"{DESCRIPTION} (Français)"]
        self.assertEqual(description["removed"], [])
        self.assertEqual(description["unchanged"], [])
        self.assertEqual(description["added"], seed_description_lines())
        # Readable text, never raw HTML; additions marked by more than colour.
        main = html.main
        self.assertNotIn("<p>", text(main))
        self.assertNotIn("&lt;", str(main))
        self.assertEqual(len(main.select("del")), 0)
        for ins in main.select("section ins"):
            self.assertEqual(text(ins.select_one(".fr-sr-only")), "Ajouté :")
            self.assertEqual(text(ins.select_one(".rencontres-diff__symbol")), "+")

    def test_every_seed_bullet_is_on_the_version_page(self):
        seed_bullets = [f"•{item}" for item in (*seed.POURQUOI, *seed.POUR_QUI, *seed.COMMENT)]
        response = self.client.get(history_url(self.page, "2/"))
        added = changes_on(response)[f"{DESCRIPTION} (Français)"]["added"]
        self.assertEqual([line for line in added if line.startswith("•")], seed_bullets)

    def test_side_by_side_at_the_visitors_choice(self):
        response = self.client.get(history_url(self.page, "2/"), {"affichage": "cote-a-cote"})
        self.assertEqual(response.status_code, 200)
        html = soup(response)
        current = html.select_one('.rencontres-layouts a[aria-current="true"]')
        self.assertEqual(text(current), "Vue côte à côte")
        tables = html.select("section.rencontres-change table")
        self.assertEqual(len(tables), 2)
        headers = [text(th) for th in tables[0].select("thead th")]
        self.assertEqual(headers, ["Avant", "Après"])
        rows = tables[1].select("tbody tr")
        self.assertEqual(len(rows), len(seed_description_lines()))
        # Nothing before: said once, in the first row.
        self.assertEqual([text(row.td) for row in rows], ["(vide)"] + [""] * (len(rows) - 1))
        before, after = rows[1].select("td")
        self.assertEqual(text(after.ins), f"+ Ajouté : •{seed.POURQUOI[0]}")
        # The other layout is a plain link (no JavaScript needed).
        unified = html.select_one('.rencontres-layouts a[href="?affichage=unifie"]')
        self.assertEqual(text(unified), "Vue unifiée")

    def test_unknown_layout_falls_back_to_unified(self):
        response = self.client.get(history_url(self.page, "2/"), {"affichage": "<script>"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            text(soup(response).select_one('.rencontres-layouts a[aria-current="true"]')),
            "Vue unifiée",
        )

    def test_version_1_shows_the_first_publication_as_added(self):
        response = self.client.get(history_url(self.page, "1/"))
        self.assertEqual(response.status_code, 200)
        changes = changes_on(response)
        self.assertEqual(changes["Titre (Français)"]["added"], [seed.TITLE])
        self.assertEqual(changes["Début"]["added"], ["jeudi 16 mars 2023 à 14:00"])
        self.assertEqual(changes["Fin"]["added"], ["jeudi 16 mars 2023 à 17:00"])
        self.assertEqual(changes["Format"]["added"], ["Présentiel"])
        self.assertEqual(changes["Organisateurs"]["added"], ["Kaléido’Scop"])
        self.assertNotIn("Département", changes)
        self.assertTrue(all(not lines["removed"] for lines in changes.values()))

    def test_versions_that_do_not_exist_are_404(self):
        # « 02 » or « +2 » is not a second address of version 2.
        for suffix in ("3/", "0/", "00/", "02/", "+2/", "99999999999999999999/"):
            with self.subTest(suffix=suffix):
                response = self.client.get(history_url(self.page, suffix))
                self.assertEqual(response.status_code, 404)

    def test_atom_feed_lists_the_versions(self):
        response = self.client.get(history_url(self.page, "feed/"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        feed = ET.fromstring(response.content)  # noqa: S314 - our own response
        self.assertEqual(
            feed.find(f"{ATOM}title").text, "Changements sur «Atelier territorial Vallée du Gier»"
        )
        entries = feed.findall(f"{ATOM}entry")
        self.assertEqual(
            [entry.find(f"{ATOM}title").text for entry in entries],
            ["Version 2 (sur 2)", "Version 1 (sur 2)"],
        )
        self.assertEqual(
            entries[0].find(f"{ATOM}link").get("href"),
            "http://localhost" + history_url(self.page, "2/"),  # the Site's address
        )
        self.assertEqual(
            entries[0].find(f"{ATOM}summary").text,
            f"Champs modifiés : Département, {DESCRIPTION} (Français)",
        )
        # The list page advertises it.
        html = soup(self.client.get(history_url(self.page)))
        link = html.find("link", rel="alternate", type="application/atom+xml")
        self.assertEqual(link["href"], history_url(self.page, "feed/"))

    def test_rencontre_page_links_to_its_changes(self):
        response = self.client.get(self.page.url)
        self.assertEqual(response.status_code, 200)
        updated = soup(response).select_one(".rencontres-updated")
        self.assertTrue(text(updated).startswith("Mis à jour le "))
        self.assertIn(text(updated.time).split()[1], FRENCH_MONTHS)
        link = updated.a
        self.assertEqual(text(link), "voir les changements")
        self.assertEqual(link["href"], history_url(self.page, "2/"))

    def test_json_ready_versions_and_changes(self):
        versions = [version.as_dict() for version in published_versions(self.page)]
        self.assertEqual([(v["number"], v["total"]) for v in versions], [(2, 2), (1, 2)])
        self.assertEqual(versions[0]["url"], history_url(self.page, "2/"))
        self.assertEqual(versions[0]["changed_fields"], ["departement", "description"])
        self.assertNotIn("author", versions[0])
        changes = [change.as_dict() for change in version_changes(self.page, 2)]
        json.dumps(changes)  # JSON-ready
        departement_change, description_change = changes
        self.assertEqual(
            {k: departement_change[k] for k in ("name", "label", "language", "before", "after")},
            {
                "name": "departement",
                "label": "Département",
                "language": None,
                "before": "",
                "after": "42 - Loire",
            },
        )
        self.assertEqual(description_change["language"], "fr")
        self.assertEqual(description_change["display_label"], f"{DESCRIPTION} (Français)")
        self.assertEqual(description_change["before"], "")
        self.assertEqual(description_change["after"], "\n".join(seed_description_lines()))
        self.assertEqual({line["kind"] for line in description_change["diff"]}, {"added"})
        with self.assertRaises(VersionNotFound):
            version_changes(self.page, 3)

    def test_english_representation_on_request(self):
        english = version_changes(self.page, 1, language="en")
        self.assertEqual(translation.get_language(), "fr")
        start = next(change for change in english if change.name == "start")
        expected = gettext_en("%(date)s à %(time)s") % {
            "date": "Thursday 16 March 2023",
            "time": "14:00",
        }
        self.assertEqual(start.after_text, expected)
        self.assertEqual(start.as_dict()["label"], gettext_en("début").capitalize())


def gettext_en(message):
    with translation.override("en"):
        return gettext(message)


# -- what counts as a version ----------------------------------------------------------------


class PublicationRulesTests(TestCase):
    """Only publications that changed a public field are versions; nothing else leaks."""

    @classmethod
    def setUpTestData(cls):
        _home, cls.index = build_site()
        cls.kaleido = OrganisationFactory(name="Kaléido’Scop")
        cls.centre = OrganisationFactory(name="Centre social Les Trois Quartiers")
        page = new_rencontre(
            cls.index,
            title="Atelier territorial Grand Lyon",
            start=local_datetime(2030, 3, 16, 14, 0),
            end=local_datetime(2030, 3, 16, 17, 0),
            organisers=[cls.kaleido],
            description=sections(
                pourquoi=["Partager un diagnostic", "Collecter des avis"],
                pour_qui=["Habitants"],
            ),
        )
        cls.page = publish(page, status="complete")
        cls.editor = get_user_model().objects.create_superuser(
            "camille", "camille@example.org", "secret", first_name="Camille", last_name="Martin"
        )

    def setUp(self):
        cache.clear()

    def versions(self):
        return [(v.number, v.total) for v in published_versions(self.page)]

    def test_status_change_shows_labels_before_and_after(self):
        response = self.client.get(history_url(self.page, "2/"))
        changes = changes_on(response)
        self.assertEqual(
            changes, {"Statut": {"added": ["Complète"], "removed": ["Prévue"], "unchanged": []}}
        )
        html = soup(response)
        deleted = html.select_one("section del")
        self.assertEqual(text(deleted.select_one(".fr-sr-only")), "Supprimé :")
        self.assertEqual(text(deleted.select_one(".rencontres-diff__symbol")), "−")

    def test_draft_saved_after_the_last_publication_never_appears(self):
        save_draft(self.page, title="Titre de brouillon", status="annulee")
        self.assertEqual(self.versions(), [(2, 2), (1, 2)])
        for suffix in ("", "1/", "2/", "feed/"):
            response = self.client.get(history_url(self.page, suffix))
            self.assertNotIn("Titre de brouillon", response.content.decode())
            self.assertNotIn("Annulée", response.content.decode())
        self.assertEqual(self.client.get(history_url(self.page, "3/")).status_code, 404)

    def test_scheduled_revision_appears_only_once_live(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        page.venue = "Salle des fêtes"
        page.go_live_at = timezone.now() + dt.timedelta(days=2)
        revision = page.save_revision()
        revision.publish()
        self.assertTrue(
            PageLogEntry.objects.filter(revision=revision, action="wagtail.publish.schedule")
        )
        self.assertFalse(PageLogEntry.objects.filter(revision=revision, action__in=PUBLISH_ACTIONS))
        self.assertEqual(self.versions(), [(2, 2), (1, 2)])
        self.assertNotIn(
            "Salle des fêtes", self.client.get(history_url(self.page)).content.decode()
        )
        # The scheduled time comes: Wagtail's command publishes it, and it becomes version 3.
        past = timezone.now() - dt.timedelta(minutes=1)
        revision.content = {**revision.content, "go_live_at": past.isoformat()}
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])
        call_command("publish_scheduled", verbosity=0)
        self.assertEqual(self.versions(), [(3, 3), (2, 3), (1, 3)])
        changes = changes_on(self.client.get(history_url(self.page, "3/")))
        self.assertEqual(changes["Nom du lieu (Français)"]["added"], ["Salle des fêtes"])

    def test_publication_without_public_change_is_not_a_version(self):
        publish(self.page, seo_title="Atelier Grand Lyon — référencement")
        publish(self.page, search_description="Pour les moteurs de recherche")
        self.assertEqual(self.versions(), [(2, 2), (1, 2)])
        publish(self.page, venue="Maison des associations")
        self.assertEqual(self.versions(), [(3, 3), (2, 3), (1, 3)])
        response = self.client.get(history_url(self.page, "3/"))
        self.assertIn("Version 3 (sur 3)", text(soup(response).main))
        self.assertEqual(list(changes_on(response)), ["Nom du lieu (Français)"])

    def test_items_added_removed_and_changed_in_a_section(self):
        publish(
            self.page,
            description=sections(
                pourquoi=["Partager un diagnostic partagé", "Imaginer 2030"],
                pour_qui=["Habitants"],
            ),
        )
        description = changes_on(self.client.get(history_url(self.page, "3/")))[
            f"{DESCRIPTION} (Français)"
        ]
        self.assertEqual(description["removed"], ["•Partager un diagnostic", "•Collecter des avis"])
        self.assertEqual(
            description["added"], ["•Partager un diagnostic partagé", "•Imaginer 2030"]
        )
        self.assertEqual(
            description["unchanged"], ["Pourquoi ?", "Pour et avec qui ?", "•Habitants"]
        )

    def test_images_documents_quotes_and_rich_text_as_text(self):
        image = wagtail_factories.ImageFactory(title="Photo de l’atelier")
        document = wagtail_factories.DocumentFactory(title="Programme (PDF)")
        publish(
            self.page,
            description=[
                (
                    "image",
                    {"image": image, "alt_text": "Participants en atelier", "caption": "Mars 2030"},
                ),
                ("document", {"document": document, "title": ""}),
                ("citation", {"text": "Les habitants sont experts.", "author": "Une habitante"}),
                ("texte", "<p>Un <b>texte</b> libre.</p><ul><li>premier point</li></ul>"),
            ],
        )
        response = self.client.get(history_url(self.page, "3/"))
        description = changes_on(response)[f"{DESCRIPTION} (Français)"]
        self.assertEqual(
            description["added"],
            [
                "Image : Photo de l’atelier",
                "Texte alternatif : Participants en atelier",
                "Légende : Mars 2030",
                "Document : Programme (PDF)",
                "Les habitants sont experts.",
                "Auteur ou autrice : Une habitante",
                "Un texte libre.",
                "•premier point",
            ],
        )
        self.assertNotIn("<b>", text(soup(response).main))

    def test_organisers_dates_and_local_time(self):
        publish(
            self.page,
            organisers=[self.centre, self.kaleido],
            departement=departement("971"),
            start=dt.datetime(2030, 3, 16, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/Guadeloupe")),
            end=dt.datetime(2030, 3, 16, 12, 0, tzinfo=zoneinfo.ZoneInfo("America/Guadeloupe")),
            capacity=40,
        )
        changes = changes_on(self.client.get(history_url(self.page, "3/")))
        self.assertEqual(
            changes["Organisateurs"],
            {
                "added": ["Centre social Les Trois Quartiers"],
                "removed": [],
                "unchanged": ["Kaléido’Scop"],
            },
        )
        self.assertEqual(changes["Département"]["removed"], ["42 - Loire"])
        self.assertEqual(changes["Département"]["added"], ["971 - Guadeloupe"])
        self.assertEqual(
            changes["Début"]["added"],
            ["samedi 16 mars 2030 à 09:00, heure locale (Guadeloupe, UTC-04:00)"],
        )
        self.assertEqual(changes["Début"]["removed"], ["samedi 16 mars 2030 à 14:00"])
        self.assertEqual(changes["Nombre de places"]["added"], ["40"])

    def test_author_is_not_shown_by_default(self):
        publish(self.page, user=self.editor, venue="Salle Jean Moulin")
        for suffix in ("", "3/", "feed/"):
            self.assertNotIn(
                "Camille", self.client.get(history_url(self.page, suffix)).content.decode()
            )
        self.assertNotIn("author", published_versions(self.page)[0].as_dict())

    @override_settings(RENCONTRES_HISTORY_SHOW_AUTHOR=True)
    def test_author_shown_when_configured(self):
        publish(self.page, user=self.editor, venue="Salle Jean Moulin")
        html = soup(self.client.get(history_url(self.page, "3/")))
        self.assertIn("par Camille Martin", text(html.main))
        self.assertEqual(published_versions(self.page)[0].as_dict()["author"], "Camille Martin")

    def test_private_page_has_no_history(self):
        for restriction_type, extra in (
            (PageViewRestriction.PASSWORD, {"password": "secret"}),
            (PageViewRestriction.LOGIN, {}),
        ):
            with self.subTest(restriction_type=restriction_type):
                restriction = PageViewRestriction.objects.create(
                    page=self.page, restriction_type=restriction_type, **extra
                )
                for suffix in ("", "1/", "2/", "feed/"):
                    response = self.client.get(history_url(self.page, suffix))
                    self.assertEqual(response.status_code, 404, suffix)
                self.assertEqual(published_versions(self.page), [])
                with self.assertRaises(VersionNotFound):
                    version_changes(self.page, 1)
                restriction.delete()

    def test_login_restricted_page_history_is_404_even_for_its_readers(self):
        PageViewRestriction.objects.create(
            page=self.page, restriction_type=PageViewRestriction.LOGIN
        )
        self.client.force_login(self.editor)
        page = self.client.get(self.page.url)
        self.assertEqual(page.status_code, 200)
        self.assertIsNone(soup(page).select_one(".rencontres-updated"))
        self.assertEqual(self.client.get(history_url(self.page)).status_code, 404)
        self.assertEqual(self.client.get(history_url(self.page, "2/")).status_code, 404)

    def test_private_ancestor_hides_the_history(self):
        PageViewRestriction.objects.create(
            page=self.index, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        self.assertEqual(self.client.get(history_url(self.page)).status_code, 404)

    def test_unpublished_page_has_no_history(self):
        page = RencontrePage.objects.get(pk=self.page.pk)
        url = history_url(page)
        page.unpublish()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(url + "feed/").status_code, 404)
        self.assertEqual(published_versions(RencontrePage.objects.get(pk=page.pk)), [])

    def test_page_without_publication_log_has_no_versions(self):
        page = RencontrePageFactory(parent=self.index, title="Créée sans révision")
        response = self.client.get(history_url(page))
        self.assertEqual(response.status_code, 200)
        self.assertIn("pas encore de version publiée", text(soup(response).main))
        self.assertIsNone(soup(self.client.get(page.url)).select_one(".rencontres-updated"))


# -- explicit public fields ----------------------------------------------------------------------


class PublicFieldsTests(TestCase):
    """Only the fields the model lists in ``public_history_fields`` are public: one taken
    off the list disappears from every past version, one not listed never shows."""

    @classmethod
    def setUpTestData(cls):
        _home, index = build_site()
        page = new_rencontre(index, registration_mode="email", registration_email="a@example.org")
        page = publish(page, registration_email="camille.martin@example.org")
        cls.page = publish(page, venue="Salle des fêtes")

    def listed_without(self, name):
        return mock.patch.object(
            RencontrePage,
            "public_history_fields",
            [field for field in RencontrePage.public_history_fields if field != name],
        )

    def test_a_field_taken_off_the_list_disappears_from_every_version(self):
        self.assertEqual([v.number for v in published_versions(self.page)], [3, 2, 1])
        for source in ("log", "revisions"):
            with (
                self.subTest(source),
                override_settings(RENCONTRES_HISTORY_SOURCE=source),
                self.listed_without("registration_email"),
            ):
                cache.clear()
                # Version 2 changed nothing else: it is no longer a version.
                versions = published_versions(self.page)
                self.assertEqual([(v.number, v.total) for v in versions], [(2, 2), (1, 2)])
                self.assertEqual(versions[0].changed_fields, ["venue"])
                for url in (
                    history_url(self.page),
                    history_url(self.page, "1/"),
                    history_url(self.page, "2/"),
                    history_url(self.page, "feed/"),
                    f"/api/v2/rencontres/{self.page.pk}/history/",
                    f"/api/v3/rencontres/{self.page.pk}/history/1/",
                ):
                    content = self.client.get(url).content.decode()
                    self.assertNotIn("example.org", content, url)
                    self.assertNotIn("E-mail d’inscription", content, url)

    def test_a_field_not_listed_is_not_public(self):
        recorded = PublicationEvent.objects.filter(page_id=self.page.pk).count()
        with self.listed_without("attendance"):
            page = publish(self.page, attendance=42)
            self.assertEqual(len(published_versions(page)), 3)  # no version…
            # …and nothing recorded: the log never held the value.
            self.assertEqual(PublicationEvent.objects.filter(page_id=page.pk).count(), recorded)


# -- a translation has its own history ------------------------------------------------------------


class TranslatedHistoryTests(TestCase):
    """The English page has its own versions; on /en/ the labels are English, « (English) »."""

    @classmethod
    def setUpTestData(cls):
        home, index = build_site()
        english = Locale.objects.get_or_create(language_code="en")[0]
        for parent in (home, index):
            translated = parent.copy_for_translation(english)
            translated.save_revision().publish()
        cls.page = new_rencontre(
            index,
            title="Atelier territorial Vallée du Gier",
            description=sections(pourquoi=["Partager un diagnostic"]),
        )
        english_page = cls.page.copy_for_translation(english)
        english_page.title = "Vallée du Gier local workshop"
        english_page.description = sections(pourquoi=["Share a diagnosis"])
        english_page.save_revision().publish()
        english_page = RencontrePage.objects.get(pk=english_page.pk)
        english_page.description = sections(pourquoi=["Share a diagnosis", "Gather opinions"])
        english_page.save_revision().publish()
        cls.english = RencontrePage.objects.get(pk=english_page.pk)

    def test_each_language_has_its_own_history(self):
        self.assertEqual([v.number for v in published_versions(self.page)], [1])
        self.assertEqual([v.number for v in published_versions(self.english)], [2, 1])
        self.assertTrue(self.english.url.startswith("/en/"))

    def test_english_labels_suffixed_english(self):
        response = self.client.get(history_url(self.english, "2/"))
        self.assertEqual(response.status_code, 200)
        html = soup(response)
        self.assertEqual(html.html["lang"], "en")
        changes = changes_on(response)
        # Labels come from the English catalogue (when it has them), then the
        # content's language: the page is in English.
        english_label = gettext_en(DESCRIPTION)
        self.assertNotEqual(english_label, DESCRIPTION)  # locale/en translates it
        label = f"{english_label} (English)"
        self.assertEqual(list(changes), [label])
        self.assertEqual(
            text(html.h1),
            gettext_en("Changements sur «%(title)s»") % {"title": "Vallée du Gier local workshop"},
        )
        self.assertEqual(changes[label]["added"], ["•Gather opinions"])
        self.assertEqual(changes[label]["unchanged"], ["Pourquoi ?", "•Share a diagnosis"])
        self.assertIn(
            gettext_en("Version %(number)s (sur %(total)s)") % {"number": 2, "total": 2},
            text(html.main),
        )

    def test_french_page_in_french(self):
        response = self.client.get(history_url(self.page, "1/"))
        changes = changes_on(response)
        self.assertIn(f"{DESCRIPTION} (Français)", changes)
        self.assertIn("Titre (Français)", changes)


# -- revisions saved before blocks or fields were removed ------------------------------------------


class RemovedContentTests(TestCase):
    """A revision holding a removed block type or struct child still renders, and shows
    what it held; a field removed from the model is no longer public (the admin's
    « Comparer » shows it, tests/rencontres/test_compare.py). The revisions are changed
    after their publication, so the log is written from them as for pages published
    before it existed (the back-fill)."""

    @classmethod
    def setUpTestData(cls):
        _home, index = build_site()
        page = new_rencontre(
            index, description=sections(pourquoi=["Partager un diagnostic"], pour_qui=["Habitants"])
        )
        page = publish(page, venue="Salle des fêtes")
        first, second = page.revisions.order_by("pk")
        for revision, kept, audience in (
            (first, "Salle polyvalente", "Jeunes de 16 à 25 ans"),
            (second, "Salle communale", "Jeunes de 16 à 30 ans"),
        ):
            content = dict(revision.content)
            blocks = json.loads(content["description"])
            blocks[0]["value"]["public_vise"] = audience
            if revision is second:
                blocks.append(
                    {
                        "type": "ancien_bloc",
                        "value": {"texte": "<p>Programme détaillé distribué sur place</p>"},
                        "id": "5d1c5e1e-0000-4000-8000-000000000001",
                    }
                )
            content["description"] = json.dumps(blocks)
            content["ancienne_salle"] = kept
            revision.content = content
            revision.save(update_fields=["content"])
        PublicationEvent.objects.filter(page_id=page.pk).delete()
        backfill.backfill()
        cls.page = page
        cls.first, cls.second = first, second

    def test_version_page_shows_what_removed_things_held(self):
        response = self.client.get(history_url(self.page, "2/"))
        self.assertEqual(response.status_code, 200)
        changes = changes_on(response)
        description = changes[f"{DESCRIPTION} (Français)"]
        self.assertEqual(description["removed"], ["Jeunes de 16 à 25 ans"])
        self.assertEqual(
            description["added"],
            [
                "Jeunes de 16 à 30 ans",
                "Bloc supprimé (« ancien_bloc ») :",
                "Programme détaillé distribué sur place",
            ],
        )
        self.assertIn("Champ supprimé (« public_vise ») :", description["unchanged"])
        # The model field removed since: not public.
        self.assertEqual(list(changes), [f"{DESCRIPTION} (Français)", "Nom du lieu (Français)"])
        self.assertNotIn("Salle communale", response.content.decode())
        self.assertNotIn("<p>", text(soup(response).main))

    def test_version_1_shows_removed_things_as_added(self):
        response = self.client.get(history_url(self.page, "1/"))
        changes = changes_on(response)
        self.assertIn("Jeunes de 16 à 25 ans", changes[f"{DESCRIPTION} (Français)"]["added"])
        self.assertNotIn("ancienne_salle", response.content.decode())
        self.assertNotIn("Salle polyvalente", response.content.decode())

    def test_json_keeps_them_too(self):
        names = [change.as_dict()["name"] for change in version_changes(self.page, 2)]
        self.assertEqual(names, ["description", "venue"])

    def test_the_computed_history_says_the_same(self):
        self.assertEqual(comparison.differences(self.page), [])
        with override_settings(RENCONTRES_HISTORY_SOURCE="revisions"):
            names = [change.as_dict()["name"] for change in version_changes(self.page, 2)]
        self.assertEqual(names, ["description", "venue"])


# -- query counts ---------------------------------------------------------------------------------


def _count(client, url):
    client.get(url)  # warm per-process caches (site root paths, navigation)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_history_queries_do_not_grow_with_revisions(
    client, settings, django_assert_max_num_queries
):
    settings.RENCONTRES_HISTORY_CACHE_TIMEOUT = 0  # measure the computation, not the cache
    _home, index = build_site()
    page = new_rencontre(index, title="Atelier territorial à 200 versions")
    page = add_published_revisions(page, 19)
    history = PageHistory(page)
    small_total = len(history.versions)
    assert 10 < small_total < 20  # every fifth publication changed nothing public
    small = (_count(client, history_url(page)), _count(client, history_url(page, "5/")))

    page = add_published_revisions(page, 180)
    large_total = len(PageHistory(page).versions)
    assert 150 < large_total < 200
    large = (_count(client, history_url(page)), _count(client, history_url(page, "150/")))
    assert large == small

    with django_assert_max_num_queries(25):
        response = client.get(history_url(page))
    assert f"Version {large_total} (sur {large_total})" in response.content.decode()
    with django_assert_max_num_queries(25):
        response = client.get(history_url(page, "150/"))
    assert f"Version 150 (sur {large_total})" in response.content.decode()
    with django_assert_max_num_queries(25):
        assert client.get(history_url(page, "feed/")).status_code == 200
    # The engine alone: one query for every publication, one per referenced model.
    with django_assert_max_num_queries(5):
        assert len(PageHistory(page, require_public=False).versions) == large_total


def _log_queries(client, url):
    """The queries of a GET that read publications (log entries)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "wagtailcore_pagelogentry" in q["sql"]]


def _content_queries(client, url):
    """The queries of a GET that load revisions' content (the computation)."""
    return [sql for sql in _log_queries(client, url) if '"wagtailcore_revision"."content"' in sql]


@pytest.mark.django_db
def test_the_history_reads_the_log_not_the_revisions(client):
    _home, index = build_site()
    page = add_published_revisions(new_rencontre(index), 30)
    cache.clear()
    total = len(published_versions(page))
    for url in (
        history_url(page),
        history_url(page, "3/"),
        history_url(page, "feed/"),
        page.url,
        f"/api/v2/rencontres/{page.pk}/history/",
        f"/api/v3/rencontres/{page.pk}/history/{total}/",
    ):
        assert _revision_queries(client, url) == [], url
    page = publish(page, venue="Salle des associations Jean Moulin")
    response = client.get(history_url(page, f"{total + 1}/"))
    assert changes_on(response)["Nom du lieu (Français)"]["added"] == [
        "Salle des associations Jean Moulin"
    ]
    html = soup(client.get(page.url))
    last = published_versions(page)[0]
    assert last.number == total + 1
    assert (
        html.select_one(".rencontres-updated a")["href"]
        == last.url
        == history_url(page, f"{last.number}/")
    )


def _revision_queries(client, url):
    """The queries of a GET that read revisions or Wagtail's log (the computed path)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries
        if "wagtailcore_pagelogentry" in q["sql"] or '"wagtailcore_revision"."content"' in q["sql"]
    ]


@pytest.mark.django_db
def test_computed_versions_cached_until_the_next_publication(client, settings):
    settings.RENCONTRES_HISTORY_SOURCE = "revisions"
    _home, index = build_site()
    page = add_published_revisions(new_rencontre(index), 30)
    cache.clear()
    url = history_url(page)
    assert len(_content_queries(client, url)) == 1  # computed…
    assert _content_queries(client, url) == []  # …then read from the cache
    assert len(_log_queries(client, url)) == 1  # (the key: the latest publication)
    assert _content_queries(client, history_url(page, "3/")) == []
    total = len(published_versions(page))
    page = publish(page, venue="Salle des associations Jean Moulin")
    assert len(_content_queries(client, url)) == 1  # a publication changes the key
    response = client.get(history_url(page, f"{total + 1}/"))
    assert changes_on(response)["Nom du lieu (Français)"]["added"] == [
        "Salle des associations Jean Moulin"
    ]


@pytest.mark.django_db
def test_computed_last_version_is_cached(client, settings):
    settings.RENCONTRES_HISTORY_SOURCE = "revisions"
    _home, index = build_site()
    page = add_published_revisions(new_rencontre(index), 50)
    cache.clear()
    assert len(_content_queries(client, page.url)) == 1  # computed once…
    assert _log_queries(client, page.url) == []  # …then read from the cache
    page = publish(page, venue="Salle des associations")
    html = soup(client.get(page.url))
    last = published_versions(page)[0]
    assert (
        html.select_one(".rencontres-updated a")["href"]
        == last.url
        == history_url(page, f"{last.number}/")
    )


def test_history_fields_are_the_public_fields():
    assert [spec.name for spec in history_fields(Page)] == ["title"]
    names = [spec.name for spec in history_fields(RencontrePage)]
    assert names[:4] == ["title", "departement", "image", "description"]
    assert {"organisers", "online_url", "registration_url", "report", "attendance"} <= set(names)
    assert not {"decidim_id", "slug", "seo_title", "live", "owner"} & set(names)
    translated = {spec.name for spec in history_fields(RencontrePage) if spec.translatable}
    assert translated == {"title", "description", "venue", "access_notes", "report"}


def test_publication_time_states_the_zone_outside_paris():
    """A Nouméa rencontre dates its versions in Nouméa time, and says so."""
    published = dt.datetime(2026, 11, 25, 20, 36, tzinfo=dt.UTC)
    with translation.override("fr"):
        assert format_published_at(published, zoneinfo.ZoneInfo("Europe/Paris")) == (
            "25 novembre 2026 à 21:36"
        )
        assert format_published_at(published, zoneinfo.ZoneInfo("Pacific/Noumea")) == (
            "26 novembre 2026 à 07:36 (UTC+11:00)"
        )


def test_lists_format_their_dates_as_a_single_date_is():
    """The formatter of a list of versions writes what ``format_published_at`` writes."""
    moments = [
        dt.datetime(2026, month, day, hour, 7, tzinfo=dt.UTC)
        for month, day, hour in ((1, 1, 0), (3, 29, 1), (7, 14, 23), (11, 25, 20), (12, 31, 23))
    ]
    for language in ("fr", "en"):
        for zone in (None, zoneinfo.ZoneInfo("Europe/Paris"), zoneinfo.ZoneInfo("Pacific/Noumea")):
            with translation.override(language):
                formatter = PublishedAtFormatter(zone)
                for moment in moments:
                    assert formatter(moment) == format_published_at(moment, zone)
