"""API v2: every field of a rencontre, its filters, and its errors."""

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone, translation
from wagtail.models import Locale

from rencontres.api.schemas import RencontreFields
from rencontres.models import RencontreFormat
from tests.api.helpers import V2, full_rencontre, in_days, organisations, publish, site
from tests.factories import OrganisationFactory, RencontrePageFactory, departement

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin


class RencontreFieldsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.kaleido, cls.maison = organisations(2)
        cls.page = full_rencontre(
            cls.index,
            1,
            organisers=[cls.maison, cls.kaleido],
            title="Atelier territorial Vallée du Gier",
            slug="atelier-territorial-vallee-du-gier",
            start=dt.datetime(2030, 3, 16, 14, tzinfo=dt.UTC),
            end=dt.datetime(2030, 3, 16, 17, tzinfo=dt.UTC),
            venue="Salle Aristide Briand",
            address="Place de la Liberté",
            postcode="42400",
            commune="Saint-Chamond",
            latitude="45.475000",
            longitude="4.515000",
            access_notes="Gare de Saint-Chamond à 5 minutes.",
            registration_mode="link",
            registration_url="https://inscriptions.example.org/gier",
            capacity=40,
            registration_deadline=dt.datetime(2030, 3, 10, 22, tzinfo=dt.UTC),
            attendance=None,
            report=[("texte", "<p>Compte rendu à venir.</p>")],
        )
        cls.noumea = full_rencontre(
            cls.index,
            2,
            departement_code="988",
            format="hybride",
            online_url="https://visio.example.org/noumea",
            postcode="98800",
            commune="Nouméa",
            start=dt.datetime(2030, 4, 1, 22, tzinfo=dt.UTC),
            end=dt.datetime(2030, 4, 2, 1, tzinfo=dt.UTC),
        )
        cls.online = full_rencontre(
            cls.index,
            3,
            departement_code=None,
            format="en_ligne",
            online_url="https://visio.example.org/atelier",
            venue="",
            address="",
            postcode="",
            commune="",
        )

    def get_item(self, page):
        response = self.client.get(f"{V2}{page.pk}/")
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_departement_is_an_object_with_its_region(self):
        data = self.get_item(self.page)
        self.assertEqual(
            data["departement"],
            {
                "code": "42",
                "name": "Loire",
                "region": {"code": "84", "name": "Auvergne-Rhône-Alpes"},
            },
        )
        self.assertIsNone(self.get_item(self.online)["departement"])

    def test_dates_are_iso_8601_in_the_rencontres_local_time(self):
        data = self.get_item(self.page)
        self.assertEqual(data["start"], "2030-03-16T15:00:00+01:00")
        self.assertEqual(data["end"], "2030-03-16T18:00:00+01:00")
        self.assertEqual(data["timezone"], "Europe/Paris")
        noumea = self.get_item(self.noumea)
        self.assertEqual(noumea["start"], "2030-04-02T09:00:00+11:00")
        self.assertEqual(noumea["timezone"], "Pacific/Noumea")
        self.assertEqual(noumea["departement"]["region"], None)

    def test_format_status_and_period(self):
        data = self.get_item(self.page)
        self.assertEqual((data["format"], data["format_label"]), ("presentiel", "Présentiel"))
        self.assertEqual((data["status"], data["status_label"]), ("prevue", "Prévue"))
        self.assertEqual((data["is_past"], data["is_upcoming"]), (False, True))
        self.assertEqual(self.get_item(self.noumea)["format_label"], "Hybride")

    def test_place_and_online_link(self):
        data = self.get_item(self.page)
        self.assertEqual(
            data["place"],
            {
                "venue": "Salle Aristide Briand",
                "address": "Place de la Liberté",
                "postcode": "42400",
                "commune": "Saint-Chamond",
                "latitude": 45.475,
                "longitude": 4.515,
                "coordinates_source": "manual",  # typed by the editor
                "access_notes": "Gare de Saint-Chamond à 5 minutes.",
            },
        )
        self.assertIsNone(data["online_url"])
        online = self.get_item(self.online)
        self.assertIsNone(online["place"])
        self.assertEqual(online["online_url"], "https://visio.example.org/atelier")

    def test_organisers_in_order(self):
        data = self.get_item(self.page)
        self.assertEqual(
            [(o["id"], o["name"]) for o in data["organisers"]],
            [(self.maison.pk, "Association n°1"), (self.kaleido.pk, "Association n°0")],
        )
        self.assertEqual(set(data["organisers"][0]), {"id", "name", "url", "description"})

    def test_registration(self):
        self.assertEqual(
            self.get_item(self.page)["registration"],
            {
                "mode": "link",
                "mode_label": "Lien d’inscription externe",
                "url": "https://inscriptions.example.org/gier",
                "email": None,
                "capacity": 40,
                "deadline": "2030-03-10T23:00:00+01:00",
            },
        )

    def test_description_sections_are_structured(self):
        blocks = self.get_item(self.page)["description"]
        self.assertEqual(
            [block["type"] for block in blocks],
            ["pourquoi", "pour_qui", "comment", "texte", "image", "document", "citation", "media"],
        )
        self.assertEqual(
            blocks[0]["value"],
            {
                "heading": "Pourquoi ?",
                "introduction": "Nos objectifs :",
                "items": ["Partager un diagnostic", "Collecter des avis"],
            },
        )
        self.assertTrue(all(block["id"] for block in blocks))

    def test_rich_text_is_rendered_and_media_are_references(self):
        blocks = {
            block["type"]: block["value"] for block in self.get_item(self.page)["description"]
        }
        self.assertEqual(blocks["texte"], "<p>Un atelier <b>ouvert</b> à toutes et à tous.</p>")
        image = blocks["image"]["image"]
        self.assertEqual(set(image), {"id", "title", "alt", "width", "height", "url"})
        self.assertTrue(image["url"].startswith("http://testserver/media/original_images/"))
        self.assertEqual(blocks["image"]["alt_text"], "Des habitants autour d’une table")
        document = blocks["document"]["document"]
        self.assertEqual(
            document["url"],
            f"http://testserver/documents/{document['id']}/" + document["url"].rsplit("/", 1)[-1],
        )
        self.assertEqual(blocks["document"]["title"], "Programme (PDF)")
        self.assertEqual(blocks["citation"]["author"], "Une habitante")
        self.assertEqual(blocks["media"], "https://www.youtube.com/watch?v=dQw4w9WgXcQ")

    def test_rich_text_format_parameter(self):
        response = self.client.get(f"{V2}{self.page.pk}/?rich_text_format=markdown")
        blocks = {block["type"]: block["value"] for block in response.json()["description"]}
        self.assertEqual(blocks["texte"].strip(), "Un atelier **ouvert** à toutes et à tous.")

    def test_image_report_and_attendance(self):
        data = self.get_item(self.page)
        self.assertEqual(data["image"]["id"], self.page.image_id)
        self.assertEqual(data["report"][0]["value"], "<p>Compte rendu à venir.</p>")
        self.assertIsNone(data["attendance"])

    def test_meta_links_to_the_public_history(self):
        meta = self.get_item(self.page)["meta"]
        self.assertEqual(meta["type"], "rencontres.RencontrePage")
        self.assertEqual(
            meta["html_url"], "http://localhost/rencontres/atelier-territorial-vallee-du-gier/"
        )
        self.assertEqual(
            meta["history_url"],
            "http://localhost/rencontres/atelier-territorial-vallee-du-gier/changements/",
        )
        self.assertEqual(meta["history_api_url"], f"http://testserver{V2}{self.page.pk}/history/")
        self.assertEqual(meta["detail_url"], f"http://testserver{V2}{self.page.pk}/")
        self.assertEqual(meta["locale"], "fr")
        self.assertIsNotNone(meta["last_published_at"])

    def test_list_has_every_field(self):
        response = self.client.get(V2)
        self.assertEqual(response.status_code, 200)
        items = response.json()["items"]
        self.assertEqual(response.json()["meta"]["total_count"], 3)
        detail = self.get_item(self.page)
        del detail["meta"]["parent"]
        self.assertEqual(next(i for i in items if i["id"] == self.page.pk), detail)

    def test_every_v2_item_matches_the_typed_schema(self):
        for item in self.client.get(V2).json()["items"]:
            body = {name: item[name] for name in RencontreFields.model_fields}
            RencontreFields.model_validate(body)

    def test_pages_endpoint_serves_the_same_fields(self):
        response = self.client.get(
            "/api/v2/pages/", {"type": "rencontres.RencontrePage", "fields": "*"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        items = {item["id"]: item for item in response.json()["items"]}
        ours = {item["id"]: item for item in self.client.get(V2).json()["items"]}
        self.assertEqual(items.keys(), ours.keys())
        for pk, item in items.items():
            for name in RencontreFields.model_fields:
                self.assertEqual(item[name], ours[pk][name], name)
        detail = self.client.get(f"/api/v2/pages/{self.page.pk}/").json()
        self.assertEqual(detail["departement"]["code"], "42")

    def test_images_and_documents_endpoints(self):
        image_id = self.get_item(self.page)["image"]["id"]
        response = self.client.get(f"/api/v2/images/{image_id}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["id"], self.page.image.pk)
        self.assertEqual(response.json()["title"], self.page.image.title)
        response = self.client.get("/api/v2/documents/")
        self.assertEqual(response.status_code, 200)
        document = next(
            b.value["document"] for b in self.page.description if b.block_type == "document"
        )
        titles = {item["id"]: item["title"] for item in response.json()["items"]}
        self.assertEqual(titles[document.pk], document.title)


class FilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.org = OrganisationFactory(name="Kaléido’Scop")
        now = timezone.now()
        make = cls.make
        cls.loire = make("loire", "42", start=in_days(5), organisers=[cls.org])
        cls.rhone = make(
            "rhone",
            "69",
            start=in_days(20),
            format="hybride",
            online_url="https://visio.example.org/r",
            postcode="69001",
            commune="Lyon",
        )
        cls.paris = make(
            "paris", "75", start=in_days(40), status="complete", postcode="75001", commune="Paris"
        )
        cls.past = make(
            "passee",
            "42",
            start=now - dt.timedelta(days=30),
            end=now - dt.timedelta(days=30, hours=-3),
        )
        cls.online = make(
            "en-ligne",
            None,
            start=in_days(8),
            format="en_ligne",
            online_url="https://visio.example.org/o",
            postcode="",
            commune="",
        )

    @classmethod
    def make(cls, slug, code, *, start, end=None, organisers=(), **fields):
        page = RencontrePageFactory(
            parent=cls.index,
            slug=slug,
            title=f"Atelier {slug}",
            departement=departement(code) if code else None,
            start=start,
            end=end or start + dt.timedelta(hours=3),
            organisers=list(organisers),
            **fields,
        )
        return publish(page)

    def slugs(self, **params):
        response = self.client.get(V2, params)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["meta"]["slug"] for item in response.json()["items"]]

    def test_default_order_is_by_start(self):
        self.assertEqual(self.slugs(), ["passee", "loire", "en-ligne", "rhone", "paris"])

    def test_departement_and_region(self):
        self.assertEqual(self.slugs(departement="42"), ["passee", "loire"])
        self.assertEqual(self.slugs(region="84"), ["passee", "loire", "rhone"])

    def test_format_and_status(self):
        self.assertEqual(self.slugs(format="hybride"), ["rhone"])
        self.assertEqual(self.slugs(format="en_ligne"), ["en-ligne"])
        self.assertEqual(self.slugs(status="complete"), ["paris"])

    def test_period(self):
        self.assertEqual(self.slugs(period="past"), ["passee"])
        self.assertEqual(self.slugs(period="upcoming"), ["loire", "en-ligne", "rhone", "paris"])

    def test_start_range_in_local_time(self):
        day = timezone.localtime(self.rhone.start).date()
        self.assertEqual(self.slugs(start_after=day.isoformat()), ["rhone", "paris"])
        self.assertEqual(
            self.slugs(start_after=day.isoformat(), start_before=day.isoformat()), ["rhone"]
        )

    def test_organisation(self):
        self.assertEqual(self.slugs(organisation=self.org.pk), ["loire"])

    def test_updated_since(self):
        RencontrePageFactory._meta.model.objects.filter(pk=self.paris.pk).update(
            last_published_at=timezone.now() + dt.timedelta(days=2)
        )
        since = (timezone.now() + dt.timedelta(days=1)).isoformat().replace("+", "%2B")
        response = self.client.get(f"{V2}?updated_since={since}")
        self.assertEqual([i["meta"]["slug"] for i in response.json()["items"]], ["paris"])
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        self.assertEqual(self.slugs(updated_since=tomorrow), ["paris"])

    def test_search(self):
        self.assertEqual(self.slugs(search="rhone"), ["rhone"])

    def test_order(self):
        self.assertEqual(self.slugs(order="-start")[:2], ["paris", "rhone"])
        self.assertEqual(self.slugs(order="title")[0], "en-ligne")

    def test_slug_and_combined_filters(self):
        self.assertEqual(self.slugs(slug="loire"), ["loire"])
        self.assertEqual(self.slugs(departement="42", period="upcoming"), ["loire"])

    def test_locale_and_translation_of(self):
        english = self.loire.copy_for_translation(
            Locale.objects.get_or_create(language_code="en")[0], copy_parents=True
        )
        english.title = "Workshop in the Loire"
        publish(english)
        self.assertEqual(self.slugs(locale="en"), ["loire"])
        response = self.client.get(V2, {"translation_of": self.loire.pk})
        self.assertEqual([i["id"] for i in response.json()["items"]], [english.pk])
        item = response.json()["items"][0]
        self.assertEqual(item["title"], "Workshop in the Loire")
        self.assertEqual(item["meta"]["locale"], "en")
        with translation.override("en"):
            english_label = str(RencontreFormat.PRESENTIEL.label)
        self.assertEqual(item["format_label"], english_label)

    def test_pages_endpoint_uses_the_same_filters(self):
        response = self.client.get(
            "/api/v2/pages/", {"type": "rencontres.RencontrePage", "departement": "42"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            [item["id"] for item in response.json()["items"]], [self.past.pk, self.loire.pk]
        )


class BadParameterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        publish(RencontrePageFactory(parent=cls.index))

    def assert_400(self, query, *expected):
        response = self.client.get(f"{V2}?{query}")
        self.assertEqual(response.status_code, 400, (query, response.content))
        self.assertEqual(response["Content-Type"], "application/json")
        message = response.json()["message"]
        for text in expected:
            self.assertIn(text, message)
        return message

    def test_unknown_filter_values(self):
        self.assert_400("departement=999", "departement", "999")
        self.assert_400("region=99", "region")
        self.assert_400("format=visio", "format")
        self.assert_400("status=finie", "status")
        self.assert_400("period=demain", "period")
        self.assert_400("organisation=987654", "organisation")
        self.assert_400("locale=xx", "locale")
        self.assert_400("translation_of=987654", "translation_of")
        self.assert_400("order=lieu", "lieu")
        self.assert_400("departement=%00", "departement")

    def test_malformed_dates(self):
        self.assert_400("start_after=2030-02-30", "start_after")
        self.assert_400("start_before=demain", "start_before")
        self.assert_400("updated_since=2030-01-01T10:00:00 01:00", "updated_since")

    def test_limits_and_offsets(self):
        self.assert_400("limit=-1", "limit")
        self.assert_400("limit=1000", "limit")
        self.assert_400("offset=-5", "offset")
        self.assert_400("offset=99999999999999999999999", "offset")

    def test_unknown_parameters_and_fields(self):
        self.assert_400("ville=Lyon", "ville")
        self.assert_400("fields=lieu", "lieu")
        self.assert_400("type=rencontres.RencontrePage", "type")
        self.assert_400("rich_text_format=pdf", "rich_text_format")

    def test_pages_endpoint_rejects_bad_values_too(self):
        response = self.client.get("/api/v2/pages/?type=rencontres.RencontrePage&start_after=hier")
        self.assertEqual(response.status_code, 400)
        response = self.client.get("/api/v2/pages/?type=rencontres.RencontrePage&start=hier")
        self.assertEqual(response.status_code, 400)

    def test_wagtail_endpoints_refuse_an_unknown_search_operator(self):
        # Wagtail's search backend raised a ValueError on it: a 500 (v3 answers 422).
        for endpoint in ("pages", "images", "documents"):
            with self.subTest(endpoint=endpoint):
                response = self.client.get(f"/api/v2/{endpoint}/?search=a&search_operator=xx")
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(
                    response.json(), {"message": "search_operator: must be 'and' or 'or'"}
                )
                response = self.client.get(f"/api/v2/{endpoint}/?search=a&search_operator=OR")
                self.assertEqual(response.status_code, 200, response.content)

    def test_an_empty_search_of_pages_is_an_empty_list(self):
        # As for images and documents (Wagtail searches nothing); it was a 500 on pages.
        for endpoint in ("pages", "images", "documents"):
            with self.subTest(endpoint=endpoint):
                response = self.client.get(f"/api/v2/{endpoint}/?search=")
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(response.json(), {"meta": {"total_count": 0}, "items": []})

    def test_unknown_rencontre_is_a_404(self):
        response = self.client.get(f"{V2}987654/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"message": "No RencontrePage matches the given query."})
