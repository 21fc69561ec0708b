"""The public page of a rencontre: what a visitor needs to attend."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from tests.factories import local_datetime, sections

from .public import (
    document,
    gier_rencontre,
    image,
    in_days,
    inline_text,
    make_private,
    organisation,
    rencontre,
    site,
    soup,
    text,
)


class DetailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.kaleido = organisation("Kaléido’Scop", url="https://kaleidoscop.example.org/")
        cls.centre = organisation("Centre social Les Trois Quartiers", url="")
        cls.gier = gier_rencontre(
            cls.index,
            access_notes="Tram T1 arrêt Mairie. Salle de plain-pied.",
            registration_mode="link",
            registration_url="https://inscriptions.example.org/gier",
            capacity=40,
            organisers=[cls.kaleido, cls.centre],
            description=sections(
                pourquoi=["Partager un diagnostic", "Collecter des avis"],
                pour_qui=["Habitants et associations d’habitants"],
                comment=["Atelier de 3h environ (pauses comprises)"],
            ),
            report=[("texte", "<p>Quarante habitants ont participé.</p>")],
        )
        cls.online = rencontre(
            cls.index,
            title="Point d’étape en ligne",
            departement_code="988",
            format="hybride",
            online_url="https://visio.example.org/etape",
            start=local_datetime(2030, 5, 2, 18, 30, tz=dt.timezone(dt.timedelta(hours=11))),
            end=local_datetime(2030, 5, 3, 9, 0, tz=dt.timezone(dt.timedelta(hours=11))),
            postcode="98800",
            commune="Nouméa",
            venue="",
            address="",
            registration_mode="email",
            registration_email="inscription@example.org",
        )
        cls.full = rencontre(
            cls.index,
            title="Atelier complet",
            status="complete",
            registration_mode="link",
            registration_url="https://x.example.org/",
        )
        cls.postponed = rencontre(
            cls.index,
            title="Atelier reporté",
            status="reportee",
            registration_mode="link",
            registration_url="https://x.example.org/",
        )
        cls.cancelled = rencontre(
            cls.index,
            title="Atelier annulé",
            status="annulee",
            registration_mode="link",
            registration_url="https://x.example.org/",
        )
        cls.closed = rencontre(
            cls.index,
            title="Atelier aux inscriptions closes",
            start=in_days(10, 14),
            registration_mode="link",
            registration_url="https://x.example.org/",
            registration_deadline=timezone.now() - dt.timedelta(hours=1),
        )
        cls.past = rencontre(
            cls.index,
            title="Atelier passé",
            start=in_days(-3, 14),
            attendance=27,
            report=[("texte", "<p>Les échanges ont porté sur la mobilité.</p>")],
            registration_mode="link",
            registration_url="https://x.example.org/",
        )
        cls.changed = rencontre(cls.index, title="Atelier de Roanne", commune="Roanne")
        cls.changed.title = "Titre du brouillon"
        cls.changed.access_notes = "Note du brouillon"
        cls.changed.save_revision()
        cls.private = rencontre(cls.index, title="Atelier réservé")
        make_private(cls.private)
        cls.draft = rencontre(cls.index, title="Atelier en préparation")
        cls.draft.unpublish()

    def get(self, page, status=200):
        response = self.client.get(page.url)
        self.assertEqual(response.status_code, status)
        return soup(response)

    def infos(self, page):
        return self.get(page).select_one(".rencontre-infos")

    def test_breadcrumb_and_title(self):
        html = self.get(self.gier)
        crumbs = [text(a) for a in html.select("nav.fr-breadcrumb a")]
        self.assertEqual(
            crumbs, ["Accueil", "Les rencontres locales", "Atelier territorial Vallée du Gier"]
        )
        self.assertEqual(text(html.find("h1")), "Atelier territorial Vallée du Gier")
        self.assertTrue(text(html.title).startswith("Atelier territorial Vallée du Gier"))

    def test_date_range_in_french_with_times_and_time_zone(self):
        date = self.infos(self.gier).select_one(".rencontre-date")
        self.assertEqual(inline_text(date), "mardi 12 mars 2030, de 14:00 à 17:00 heure de Paris")
        self.assertEqual(
            [t["datetime"] for t in date("time")],
            ["2030-03-12", "2030-03-12T14:00:00+01:00", "2030-03-12T17:00:00+01:00"],
        )

    def test_overseas_dates_over_two_days_in_local_time(self):
        date = self.infos(self.online).select_one(".rencontre-date")
        self.assertEqual(
            inline_text(date),
            "du jeudi 2 mai 2030, 18:30, au vendredi 3 mai 2030, 09:00 "
            "heure locale (Nouvelle-Calédonie, UTC+11:00)",
        )
        self.assertEqual(date("time")[1]["datetime"], "2030-05-02T18:30:00+11:00")

    def test_format_place_and_access(self):
        infos = self.infos(self.gier)
        self.assertIn("Format Présentiel", text(infos))
        self.assertEqual(
            text(infos.select_one(".rencontre-lieu")),
            "Salle Jean Jaurès 3 rue Jean Jaurès 42800 Rive-de-Gier",
        )
        self.assertEqual(
            text(infos.select_one(".rencontre-acces")), "Tram T1 arrêt Mairie. Salle de plain-pied."
        )
        osm = infos.find("a", string="Voir le lieu sur une carte (OpenStreetMap)")
        self.assertIn("mlat=45.528000&mlon=4.618000", osm["href"])
        self.assertIsNone(infos.select_one(".rencontre-lien-en-ligne"))

    def test_online_link(self):
        infos = self.infos(self.online)
        link = infos.select_one(".rencontre-lien-en-ligne")
        self.assertEqual(link["href"], "https://visio.example.org/etape")
        self.assertEqual(text(link), "Rejoindre la rencontre en ligne")
        self.assertIn("Format Hybride", text(infos))

    def test_organisers_in_order_with_links(self):
        infos = self.infos(self.gier)
        items = infos.select(".rencontre-organisateurs li")
        self.assertEqual(
            [text(li) for li in items], ["Kaléido’Scop", "Centre social Les Trois Quartiers"]
        )
        self.assertEqual(items[0].a["href"], "https://kaleidoscop.example.org/")
        self.assertIsNone(items[1].a)

    def test_registration_reflects_the_status(self):
        def registration(page):
            return self.infos(page).select_one(".rencontre-inscription")

        open_ = registration(self.gier)
        self.assertEqual(open_["data-state"], "open")
        button = open_.find("a", class_="fr-btn")
        self.assertEqual(
            (text(button), button["href"]), ("S’inscrire", "https://inscriptions.example.org/gier")
        )
        self.assertIn("40 places", text(open_))

        email = registration(self.online).find("a", class_="fr-btn")
        self.assertEqual(
            (text(email), email["href"]),
            ("S’inscrire par e-mail", "mailto:inscription@example.org"),
        )

        full = registration(self.full)
        self.assertEqual(full["data-state"], "full")
        self.assertTrue(full.find("button").has_attr("disabled"))
        self.assertIn("Cette rencontre est complète : il n’y a plus de place.", text(full))
        self.assertIsNone(full.find("a", class_="fr-btn"))

        for page, state, message in (
            (self.postponed, "postponed", "Cette rencontre est reportée"),
            (self.cancelled, "cancelled", "Cette rencontre est annulée."),
            (self.closed, "closed", "Les inscriptions sont closes."),
            (self.past, "past", "Cette rencontre a eu lieu."),
        ):
            with self.subTest(state=state):
                area = registration(page)
                self.assertEqual(area["data-state"], state)
                self.assertIn(message, text(area))
                self.assertIsNone(area.find(class_="fr-btn"))

    def test_cancelled_and_postponed_are_announced_at_the_top(self):
        alert = self.get(self.cancelled).select_one(".fr-alert--error")
        self.assertEqual(text(alert.find("h2")), "Rencontre annulée")
        alert = self.get(self.postponed).select_one(".fr-alert--warning")
        self.assertEqual(text(alert.find("h2")), "Rencontre reportée")
        self.assertEqual(
            [text(b) for b in self.get(self.cancelled).select("h1 + .fr-badges-group .fr-badge")],
            ["Annulée", "Présentiel", "42 - Loire"],
        )

    def test_description_sections_as_headings_and_lists(self):
        description = self.get(self.gier).select_one(".rencontre-description")
        headings = [text(h) for h in description.find_all("h2")]
        self.assertEqual(headings, ["Pourquoi ?", "Pour et avec qui ?", "Comment ?"])
        first = description.find("h2").find_next_sibling("ul")
        self.assertEqual(
            [text(li) for li in first("li")], ["Partager un diagnostic", "Collecter des avis"]
        )

    def test_report_only_once_past(self):
        self.assertIsNone(self.get(self.gier).select_one(".rencontre-compte-rendu"))
        self.assertNotIn("Quarante habitants", str(self.get(self.gier)))
        report = self.get(self.past).select_one(".rencontre-compte-rendu")
        self.assertEqual(text(report.find("h2")), "Compte rendu")
        self.assertIn("27 participants", text(report))
        self.assertIn("Les échanges ont porté sur la mobilité.", text(report))

    def test_add_to_calendar(self):
        link = self.get(self.gier).find("a", string="Ajouter à mon agenda (.ics)")
        self.assertEqual(link["href"], f"{self.gier.url}agenda.ics")
        response = self.client.get(link["href"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")

    def test_back_to_the_listing(self):
        link = self.get(self.gier).find("a", string="Toutes les rencontres")
        self.assertEqual(link["href"], self.index.url)

    def test_description_with_image_and_document(self):
        doc = document("Programme de l’atelier")
        page = rencontre(
            self.index,
            title="Atelier illustré",
            description=[
                ("image", {"image": image(), "alt_text": "Les participants", "caption": ""}),
                ("document", {"document": doc, "title": ""}),
            ],
        )
        description = self.get(page).select_one(".rencontre-description")
        self.assertEqual(description.find("img")["alt"], "Les participants")
        link = description.find("a", href=doc.url)
        self.assertIn("Programme de l’atelier", text(link))

    def test_unpublished_changes_never_shown(self):
        html = self.get(self.changed)
        self.assertEqual(text(html.find("h1")), "Atelier de Roanne")
        self.assertNotIn("brouillon", str(html))

    def test_private_and_draft_pages(self):
        private = self.client.get(self.private.url)
        self.assertNotIn("Atelier réservé</h1>", private.content.decode())
        self.assertEqual(self.client.get(f"{self.index.url}{self.draft.slug}/").status_code, 404)
        self.assertEqual(
            self.client.get(f"{self.index.url}{self.draft.slug}/agenda.ics").status_code, 404
        )
