"""Coordinates without typing: a rencontre's address geocoded when it is saved.

A geocoder in the national address base's format runs on the loopback
(tests/places.py); tasks run at once (the immediate backend of the test settings),
after the transaction commits, as the worker would run them. Pages are created and
edited through the real admin form.
"""

import contextlib
import io

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from rencontres.models import (
    GeocodedAddress,
    GeocodingStatus,
    MapPointSource,
    RencontrePage,
    TaskFailure,
)
from rencontres.models.places import address_query, points_moved
from tests.factories import build_site, rencontre_form_data, superuser
from tests.importers.conftest import DATA
from tests.places import SAINT_ETIENNE, GeocoderServer, feature, load_communes

from .public import soup, text

QUERY = "12 place de la Paix, 42000 Saint-Étienne"
FOUND = feature(45.4426, 4.41, "12 Place de la Paix 42000 Saint-Étienne", score=0.93)
SLUG = "atelier-territorial-saint-etienne-montreynaud"


class GeocodingOnSaveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()
        cls.user = superuser()
        load_communes()

    def setUp(self):
        self.client.force_login(self.user)

    @contextlib.contextmanager
    def geocoder(self, **kwargs):
        with (
            GeocoderServer(**kwargs) as server,
            override_settings(RENCONTRES_GEOCODER_URL=server.url),
        ):
            yield server

    def create(self, **fields):
        """Publish a new rencontre through the admin form; tasks run after the commit."""
        url = reverse("wagtailadmin_pages:add", args=("rencontres", "rencontrepage", self.index.pk))
        data = nested_form_data(rencontre_form_data(**fields))
        data["action-publish"] = "action-publish"
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        return RencontrePage.objects.get(slug=fields.get("slug", SLUG))

    def edit(self, page, **fields):
        url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
        data = nested_form_data(rencontre_form_data(**fields))
        data["action-publish"] = "action-publish"
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        return RencontrePage.objects.get(pk=page.pk)

    def notice(self, page):
        """The geocoding notice of the page's edit view."""
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
        self.assertEqual(response.status_code, 200)
        notice = soup(response).select_one(".rencontre-geocodage")
        return notice["data-geocodage"], text(notice)

    def point(self, page):
        return (float(page.map_latitude), float(page.map_longitude)), page.map_point_source

    def test_the_address_is_geocoded_when_the_rencontre_is_created(self):
        with self.geocoder(answers={QUERY: FOUND}) as server:
            page = self.create()
        self.assertEqual(server.requests, [("/search/", QUERY)])
        self.assertIsNone(page.latitude)  # the editor typed nothing
        self.assertEqual(self.point(page), ((45.4426, 4.41), MapPointSource.ADDRESS))
        level, message = self.notice(page)
        self.assertEqual(level, "success")
        self.assertEqual(
            message,
            "Point trouvé d’après l’adresse : « 12 Place de la Paix 42000 Saint-Étienne » "
            "(fiabilité 93 %), latitude 45.442600, longitude 4.410000. S’il est faux, "
            "saisissez la latitude et la longitude.",
        )
        # The public page places it there, and the API says where the point comes from.
        public = soup(self.client.get(page.url))
        carte = public.select_one("[data-rencontres-map]")
        self.assertEqual(
            (carte["data-latitude"], carte["data-longitude"]), ("45.442600", "4.410000")
        )
        place = self.client.get(f"/api/v2/rencontres/{page.pk}/").json()["place"]
        self.assertEqual(
            (place["latitude"], place["longitude"], place["coordinates_source"]),
            (45.4426, 4.41, "address"),
        )

    def test_a_failing_geocoder_never_blocks_saving_and_is_shown_to_the_editor(self):
        with self.geocoder(status=500) as server:
            page = self.create()
        # Tried RENCONTRES_TASK_MAX_ATTEMPTS times (at once: the tests' immediate backend
        # cannot defer), then given up and recorded for the administrators.
        self.assertEqual(len(server.requests), 5)
        failure = TaskFailure.objects.get()
        self.assertEqual(failure.task_path, "rencontres.places.tasks.geocode_address")
        self.assertEqual(failure.queue_name, "geocoding")
        self.assertEqual(failure.attempts, 5)
        self.assertTrue(page.live)
        answer = GeocodedAddress.objects.get()
        self.assertEqual(answer.status, GeocodingStatus.ERROR)
        # Meanwhile at its commune's centre.
        self.assertEqual(self.point(page), (SAINT_ETIENNE, MapPointSource.COMMUNE))
        level, message = self.notice(page)
        self.assertEqual(level, "warning")
        self.assertEqual(
            message,
            "Le géocodage de l’adresse a échoué : le géocodeur a répondu par une erreur 500. "
            "Il est retenté automatiquement, et à chaque enregistrement. En attendant, la "
            "rencontre est placée au centre de sa commune (Saint-Étienne) ; saisissez la "
            "latitude et la longitude pour la placer exactement.",
        )

        # Saved again once the geocoder is back: tried again, found.
        with self.geocoder(answers={QUERY: FOUND}) as server:
            page = self.edit(page)
        self.assertEqual(server.requests, [("/search/", QUERY)])
        self.assertEqual(self.point(page), ((45.4426, 4.41), MapPointSource.ADDRESS))

    def test_a_point_moved_by_the_geocoder_is_announced_for_purging(self):
        announced = []

        def receiver(sender, page_ids, **kwargs):
            announced.append((sender, page_ids))

        points_moved.connect(receiver)
        self.addCleanup(points_moved.disconnect, receiver)
        with self.geocoder(answers={QUERY: FOUND}):
            page = self.create()
        # After its publication (at its commune's centre), the answer moved it.
        self.assertEqual(announced, [(GeocodedAddress, [page.pk])])
        with self.geocoder(answers={QUERY: FOUND}):
            self.edit(page, title="Atelier renommé")  # same address: no new answer
        self.assertEqual(len(announced), 1)

    def test_an_address_the_geocoder_does_not_find(self):
        with self.geocoder(answers={QUERY: feature(45.0, 4.0, "Ailleurs", score=0.2)}):
            page = self.create()
        self.assertEqual(self.point(page), (SAINT_ETIENNE, MapPointSource.COMMUNE))
        level, message = self.notice(page)
        self.assertEqual(level, "warning")
        self.assertTrue(
            message.startswith(
                "Adresse introuvable : aucune adresse connue ne correspond assez (score "
                "minimal 0.5). Vérifiez-la ; la rencontre est placée au centre de sa commune"
            ),
            message,
        )

    def test_coordinates_typed_by_hand_are_kept_and_never_sent(self):
        with self.geocoder(answers={QUERY: FOUND}) as server:
            page = self.create(latitude="45.45", longitude="4.4")
        self.assertEqual(server.requests, [])
        self.assertEqual(self.point(page), ((45.45, 4.4), MapPointSource.MANUAL))
        self.assertEqual(self.notice(page)[0], "info")
        self.assertIn("Point saisi à la main (latitude 45.450000", self.notice(page)[1])

    def test_the_editor_corrects_a_geocoded_point_by_hand(self):
        with self.geocoder(answers={QUERY: FOUND}):
            page = self.create()
            self.assertEqual(self.point(page)[1], MapPointSource.ADDRESS)
            page = self.edit(page, latitude="45.4431", longitude="4.4087")
        self.assertEqual(self.point(page), ((45.4431, 4.4087), MapPointSource.MANUAL))
        # Another rencontre at the same address is geocoded: the corrected one stays.
        with self.geocoder(answers={QUERY: feature(45.0, 4.0, "Ailleurs")}):
            GeocodedAddress.objects.all().delete()
            other = self.create(title="Autre atelier", slug="autre-atelier")
        page.refresh_from_db()
        self.assertEqual(self.point(page), ((45.4431, 4.4087), MapPointSource.MANUAL))
        self.assertEqual(self.point(other), ((45.0, 4.0), MapPointSource.ADDRESS))

    def test_a_new_address_is_geocoded_again(self):
        moved = "3 rue Balay, 42000 Saint-Étienne"
        answers = {QUERY: FOUND, moved: feature(45.4397, 4.3872, "3 Rue Balay 42000 Saint-Étienne")}
        with self.geocoder(answers=answers) as server:
            page = self.create()
            page = self.edit(page, address="3 rue Balay")
        self.assertEqual(server.requests, [("/search/", QUERY), ("/search/", moved)])
        self.assertEqual(self.point(page), ((45.4397, 4.3872), MapPointSource.ADDRESS))

    def test_overseas_collectivities_the_address_base_does_not_cover(self):
        fields = {"departement": "", "postcode": "98800", "commune": "Nouméa"}
        with self.geocoder(default=FOUND) as server:
            page = self.create(**fields)
        self.assertEqual(server.requests, [])
        self.assertEqual(self.point(page), ((-22.27407, 166.44884), MapPointSource.COMMUNE))
        self.assertTrue(
            self.notice(page)[1].startswith(
                "Adresse non géocodée : la base adresse nationale ne couvre pas cette "
                "collectivité d’outre-mer. La rencontre est placée au centre de sa commune "
                "(Nouméa)"
            )
        )

    def test_without_a_geocoder_nothing_is_sent(self):
        page = self.create()
        self.assertFalse(GeocodedAddress.objects.exists())
        self.assertEqual(self.point(page), (SAINT_ETIENNE, MapPointSource.COMMUNE))
        self.assertTrue(
            self.notice(page)[1].startswith("Le géocodage des adresses n’est pas configuré")
        )

    def test_latitude_without_longitude_is_refused(self):
        url = reverse("wagtailadmin_pages:add", args=("rencontres", "rencontrepage", self.index.pk))
        data = nested_form_data(rencontre_form_data(latitude="45.4"))
        data["action-publish"] = "action-publish"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "Saisissez la latitude et la longitude ensemble, ou laissez les deux vides.",
            response.content.decode(),
        )


class GeocodingImportTests(TestCase):
    """An import sends its new addresses to the batch endpoint, in one request."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = build_site()

    def test_an_import_geocodes_its_addresses_in_one_batch(self):
        found = feature(43.3418, 5.388, "2 Boulevard Gay-Lussac 13014 Marseille")
        with (
            GeocoderServer(default=found) as server,
            override_settings(RENCONTRES_GEOCODER_URL=server.url),
            self.captureOnCommitCallbacks(execute=True),
        ):
            call_command("import_decidim", str(DATA / "meetings_v028.csv"), stdout=io.StringIO())
        self.assertEqual([path for path, _queries in server.requests], ["/search/csv/"])
        # The rencontres with a street address and no coordinates, each address once.
        untyped = RencontrePage.objects.filter(
            locale__language_code="fr", format__in=["presentiel", "hybride"], latitude=None
        ).exclude(address="")
        expected = {address_query(p.address, p.postcode, p.commune) for p in untyped}
        self.assertTrue(expected)
        self.assertEqual(sorted(server.requests[0][1]), sorted(expected))
        for page in untyped:
            self.assertEqual(self.point(page), ((43.3418, 5.388), MapPointSource.ADDRESS))
        # Coordinates given by the export are typed ones: kept, never sent.
        typed = RencontrePage.objects.filter(latitude__isnull=False)
        self.assertTrue(typed.exists())
        for page in typed:
            self.assertEqual(page.map_point_source, MapPointSource.MANUAL)

    def point(self, page):
        page.refresh_from_db()
        return (float(page.map_latitude), float(page.map_longitude)), page.map_point_source
