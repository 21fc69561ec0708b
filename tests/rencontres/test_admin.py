"""The admin of rencontres: page creation through the real form, page-type rules, the
département chooser, and the « Rencontres » listing with its filters and exports."""

import csv
import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from home.models import HomePage
from rencontres.models import RencontreIndexPage, RencontrePage
from tests.factories import (
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    departement,
    rencontre_form_data,
    section_form_data,
    superuser,
)
from tests.html import soup, text

LISTING_URL = "/admin/rencontres/"


class CreateThroughAdminFormTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.user = superuser()
        cls.kaleido = OrganisationFactory(name="Kaléido’Scop")
        cls.centre = OrganisationFactory(name="Centre social Les Trois Quartiers")

    def setUp(self):
        self.client.force_login(self.user)

    def test_index_page_is_created_under_the_home_page(self):
        self.assertCanCreate(
            self.home,
            RencontreIndexPage,
            nested_form_data(
                {
                    "title": "Rencontres de l’automne",
                    "slug": "rencontres-automne",
                    "introduction": rich_text("<p>Les ateliers de la saison.</p>"),
                    "comments": inline_formset([]),
                }
            ),
        )
        index = RencontreIndexPage.objects.get(slug="rencontres-automne")
        self.assertTrue(index.live)
        self.assertEqual(index.get_parent().specific, self.home)
        self.assertIn("Les ateliers de la saison.", index.introduction)

    def test_rencontre_is_created_under_an_index_with_sections_and_organisers(self):
        data = rencontre_form_data(
            description=streamfield(
                [
                    (
                        "pourquoi",
                        section_form_data(
                            "Pourquoi ?",
                            ["Partager un diagnostic", "Collecter des avis"],
                            introduction="Deux objectifs.",
                        ),
                    ),
                    ("pour_qui", section_form_data("Pour et avec qui ?", ["Habitants"])),
                    ("comment", section_form_data("Comment ?", ["Atelier de 3h environ"])),
                    ("texte", rich_text("<p>Un goûter clôt l’atelier.</p>")),
                ]
            ),
            organisers=inline_formset(
                [{"organisation": str(self.kaleido.pk)}, {"organisation": str(self.centre.pk)}]
            ),
        )
        self.assertCanCreate(self.index, RencontrePage, data)

        page = RencontrePage.objects.get(slug="atelier-territorial-saint-etienne-montreynaud")
        self.assertTrue(page.live)
        self.assertEqual(page.get_parent().specific, self.index)
        self.assertEqual(str(page.departement), "42 - Loire")
        blocks = [(child.block_type, child.value) for child in page.description]
        self.assertEqual(
            [kind for kind, _value in blocks], ["pourquoi", "pour_qui", "comment", "texte"]
        )
        self.assertEqual(
            list(blocks[0][1]["items"]), ["Partager un diagnostic", "Collecter des avis"]
        )
        self.assertEqual(blocks[0][1]["introduction"], "Deux objectifs.")
        self.assertEqual(
            [link.organisation.name for link in page.organisers.all()],
            ["Kaléido’Scop", "Centre social Les Trois Quartiers"],
        )
        # Typed in Saint-Étienne's local time (Paris, UTC+2 in May).
        self.assertEqual(page.start, dt.datetime(2030, 5, 12, 12, 0, tzinfo=dt.UTC))
        self.assertEqual(page.end - page.start, dt.timedelta(hours=3))

    def test_page_type_rules(self):
        self.assertAllowedParentPageTypes(RencontreIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(RencontreIndexPage, {RencontrePage})
        self.assertAllowedParentPageTypes(RencontrePage, {RencontreIndexPage})
        self.assertAllowedSubpageTypes(RencontrePage, set())
        self.assertCanNotCreateAt(Page, RencontrePage)
        self.assertCanNotCreateAt(HomePage, RencontrePage)

    def test_edit_form_has_the_four_tabs_in_french(self):
        page = RencontrePageFactory(parent=self.index)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        self.assertEqual(response.status_code, 200)
        html = soup(response)
        tabs = [text(tab) for tab in html.select("[role=tab]")]
        for heading in ("Contenu", "Informations pratiques", "Après la rencontre", "Promotion"):
            self.assertTrue(any(heading in tab for tab in tabs), (heading, tabs))
        label = html.find("label", attrs={"for": "id_description"}) or html.find(
            string=lambda s: s and "Description (présentation du contexte" in s
        )
        self.assertIsNotNone(label)
        self.assertContains(
            response,
            "Description (présentation du contexte de la rencontre mentionnant les organisateurs)",
        )


class DepartementChooserTests(WagtailPageTestCase):
    """The département is chosen in a searchable modal, not a 107-option list."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.user = superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def results(self, query):
        url = reverse("wagtailsnippetchoosers_rencontres_departement:choose_results")
        response = self.client.get(url, {"q": query})
        self.assertEqual(response.status_code, 200)
        return [text(link) for link in soup(response).select("a[data-chooser-modal-choice]")]

    def test_search_finds_loire_on_a_fresh_database(self):
        # Départements come from a data migration: no search index was ever filled.
        found = self.results("Loire")
        self.assertIn("42 - Loire", found)
        self.assertIn("44 - Loire-Atlantique", found)
        self.assertNotIn("69 - Rhône", found)

    def test_search_by_code_and_without_accents(self):
        self.assertEqual(self.results("42")[0], "42 - Loire")
        self.assertIn("07 - Ardèche", self.results("ardeche"))
        self.assertEqual(self.results("2a"), ["2A - Corse-du-Sud"])
        self.assertIn("988 - Nouvelle-Calédonie", self.results("caledonie"))

    def test_snippet_listing_search_works_without_the_search_index(self):
        url = reverse("wagtailsnippets_rencontres_departement:list")
        response = self.client.get(url, {"q": "Loire"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Loire-Atlantique")
        self.assertContains(response, "7 départements")
        self.assertNotContains(response, "Haute-Savoie")

    def test_form_field_uses_the_chooser(self):
        url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", self.index.pk])
        response = self.client.get(url)
        html = soup(response)
        field = html.find(id="id_departement")
        self.assertEqual(field.name, "input")
        self.assertEqual(field["type"], "hidden")
        self.assertIsNone(html.find("select", attrs={"name": "departement"}))
        self.assertContains(response, "/admin/snippets/choose/rencontres/departement/")


class ListingTests(WagtailPageTestCase):
    """« Rencontres » in the admin menu: columns, filters, CSV and XLSX exports."""

    EVERY_TITLE = frozenset(
        (
            "Atelier Loire à venir",
            "Atelier Loire passé",
            "Atelier Rhône en ligne",
            "Atelier Nouméa",
            "Atelier Lille annulé",
            "Rencontre sans département",
        )
    )

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.user = superuser()
        now = timezone.now()
        kaleido = OrganisationFactory(name="Kaléido’Scop")

        def make(title, code, days, **fields):
            start = now + dt.timedelta(days=days)
            return RencontrePageFactory(
                parent=cls.index,
                title=title,
                departement=departement(code) if code else None,
                start=start,
                end=start + dt.timedelta(hours=3),
                **fields,
            )

        cls.loire = make("Atelier Loire à venir", "42", 10, organisers=[kaleido])
        cls.loire_past = make("Atelier Loire passé", "42", -20)
        cls.rhone = make(
            "Atelier Rhône en ligne",
            "69",
            5,
            format="en_ligne",
            online_url="https://visio.example.org/rhone",
            status="complete",
        )
        cls.noumea = make(
            "Atelier Nouméa",
            "988",
            30,
            format="hybride",
            online_url="https://visio.example.org/noumea",
            postcode="98800",
            commune="Nouméa",
            status="reportee",
        )
        cls.lille = make("Atelier Lille annulé", "59", -3, status="annulee")
        cls.sans = make("Rencontre sans département", None, 12)
        Locale.objects.get_or_create(language_code="en")

    def setUp(self):
        self.client.force_login(self.user)

    def listing(self, **params):
        response = self.client.get(LISTING_URL, params)
        self.assertEqual(response.status_code, 200)
        return response

    def titles(self, **params):
        rows = soup(self.listing(**params)).select("table.listing tbody tr")
        return {text(row.select_one("td.title a")) for row in rows}

    def test_menu_entry(self):
        response = self.client.get("/admin/")
        self.assertContains(response, "Rencontres")
        self.assertContains(response, LISTING_URL)

    def test_columns_show_the_departement_local_time_and_period(self):
        response = self.listing()
        html = soup(response)
        headers = [text(th) for th in html.select("table.listing thead th")]
        for label in ("Titre", "Département", "Début (heure locale)", "Format", "Statut"):
            self.assertTrue(any(label in header for header in headers), (label, headers))
        self.assertTrue(any("Période" in header for header in headers))
        self.assertTrue(any("Publication" in header for header in headers))
        row = next(
            tr for tr in html.select("table.listing tbody tr") if "Atelier Nouméa" in tr.get_text()
        )
        row_text = text(row)
        self.assertIn("988 - Nouvelle-Calédonie", row_text)
        local = timezone.localtime(self.noumea.start, self.noumea.tzinfo)
        self.assertIn(local.strftime("%d/%m/%Y %H:%M"), row_text)
        self.assertIn("Nouvelle-Calédonie, UTC+11:00", row_text)
        self.assertIn("Hybride", row_text)
        self.assertIn("Reportée", row_text)
        self.assertIn("À venir", row_text)
        past_row = next(
            tr
            for tr in html.select("table.listing tbody tr")
            if "Atelier Loire passé" in tr.get_text()
        )
        self.assertIn("Passée", past_row.get_text())
        self.assertIn("42 - Loire", past_row.get_text())

    def test_rows_keep_their_actions_menu(self):
        row = next(
            tr
            for tr in soup(self.listing()).select("table.listing tbody tr")
            if "Atelier Lille" in tr.get_text()
        )
        hrefs = {link["href"] for link in row.select("a[href]")}
        self.assertIn(reverse("wagtailadmin_pages:edit", args=[self.lille.pk]), hrefs)
        delete = reverse("wagtailadmin_pages:delete", args=[self.lille.pk])
        self.assertTrue(any(href.startswith(delete) for href in hrefs), hrefs)
        # wagtail-localize's button, computed for the whole table at once.
        translate = reverse("wagtail_localize:submit_page_translation", args=[self.lille.pk])
        self.assertIn(translate, hrefs)
        self.assertIn("Traduire cette page", row.get_text())

    def test_each_filter(self):
        everything = self.EVERY_TITLE
        self.assertEqual(self.titles(), everything)
        loire = departement("42")
        self.assertEqual(
            self.titles(departement=loire.pk), {"Atelier Loire à venir", "Atelier Loire passé"}
        )
        self.assertEqual(
            self.titles(region=loire.region_id),
            {"Atelier Loire à venir", "Atelier Loire passé", "Atelier Rhône en ligne"},
        )
        self.assertEqual(self.titles(format="en_ligne"), {"Atelier Rhône en ligne"})
        self.assertEqual(
            self.titles(format=["en_ligne", "hybride"]),
            {"Atelier Rhône en ligne", "Atelier Nouméa"},
        )
        self.assertEqual(self.titles(status="annulee"), {"Atelier Lille annulé"})
        self.assertEqual(
            self.titles(period="passees"), {"Atelier Loire passé", "Atelier Lille annulé"}
        )
        self.assertEqual(
            self.titles(period="a-venir"),
            everything - {"Atelier Loire passé", "Atelier Lille annulé"},
        )

    def test_results_view_used_by_the_filter_panel(self):
        response = self.client.get(f"{LISTING_URL}results/", {"format": "en_ligne"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Atelier Rhône en ligne")
        self.assertNotContains(response, "Atelier Nouméa")

    def test_combined_filters(self):
        loire = departement("42")
        self.assertEqual(
            self.titles(region=loire.region_id, period="a-venir", format="presentiel"),
            {"Atelier Loire à venir"},
        )
        self.assertEqual(self.titles(departement=loire.pk, status="complete"), set())

    def test_filter_form_is_in_french(self):
        response = self.listing()
        for label in ("Département", "Région", "Format", "Statut", "Période", "À venir", "Passées"):
            self.assertContains(response, label)
        self.assertContains(response, "42 - Loire")

    def test_bad_filter_value_is_not_a_server_error(self):
        # Invalid values leave the list unfiltered: staff still see every rencontre.
        self.assertEqual(self.titles(departement="abc", period="demain"), self.EVERY_TITLE)

    def export(self, fmt, **params):
        response = self.client.get(LISTING_URL, {**params, "export": fmt})
        self.assertEqual(response.status_code, 200)
        if fmt == "csv":
            body = b"".join(response.streaming_content)
            # A byte-order mark first, so that spreadsheets read UTF-8.
            self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
            content = body.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(content)))
        else:
            workbook = load_workbook(io.BytesIO(b"".join(response)), read_only=True)
            rows = [
                ["" if cell is None else cell for cell in row]
                for row in workbook.active.iter_rows(values_only=True)
            ]
        header, *body = rows
        return [dict(zip(header, row, strict=True)) for row in body]

    def test_csv_export_of_the_filtered_list(self):
        rows = self.export("csv", region=departement("42").region_id)
        self.assertEqual(
            {row["Titre (fr)"] for row in rows},
            {"Atelier Loire à venir", "Atelier Loire passé", "Atelier Rhône en ligne"},
        )
        loire = next(row for row in rows if row["Titre (fr)"] == "Atelier Loire à venir")
        self.assertEqual(loire["Code du département"], "42")
        self.assertEqual(loire["Département"], "Loire")
        self.assertEqual(loire["Région"], "Auvergne-Rhône-Alpes")
        self.assertEqual(loire["Organisateurs"], "Kaléido’Scop")
        self.assertEqual(loire["Période"], "À venir")
        self.assertEqual(loire["Fuseau horaire"], "Europe/Paris")
        self.assertEqual(
            loire["Début (heure locale)"],
            timezone.localtime(self.loire.start, self.loire.tzinfo).isoformat(),
        )
        self.assertIn(
            "Pourquoi ?\n•Partager un diagnostic\n•Collecter des avis", loire["Description (fr)"]
        )
        self.assertTrue(loire["Adresse de la page (fr)"].endswith(self.loire.url))
        self.assertIn("Titre (en)", rows[0])

    def test_xlsx_export_of_the_filtered_list(self):
        rows = self.export("xlsx", format=["hybride"], period="a-venir")
        self.assertEqual([row["Titre (fr)"] for row in rows], ["Atelier Nouméa"])
        (noumea,) = rows
        self.assertEqual(noumea["Fuseau horaire"], "Pacific/Noumea")
        self.assertTrue(noumea["Début (heure locale)"].endswith("+11:00"))
        self.assertEqual(noumea["Statut"], "Reportée")
        self.assertEqual(noumea["Format"], "Hybride")
        self.assertEqual(
            noumea["Lien de la rencontre en ligne"], "https://visio.example.org/noumea"
        )

    def test_listing_query_count_does_not_grow_with_rencontres(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                self.listing()
            return len(queries)

        count()  # warm the caches (content types, site root paths) first
        first = count()
        for position in range(24):
            start = timezone.now() + dt.timedelta(days=position - 12)
            RencontrePageFactory(
                parent=self.index,
                title=f"Atelier supplémentaire n°{position}",
                departement=departement(["42", "69", "2A", "971"][position % 4]),
                start=start,
                end=start + dt.timedelta(hours=2),
            )
        self.assertEqual(RencontrePage.objects.count(), 30)
        count()  # the new pages made the fragments stale (rencontres.fragments)
        self.assertEqual(count(), first)
