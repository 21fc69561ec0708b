"""The change log of the API (rencontres.api.changes): /api/v2/rencontres/changes/ and
/api/v3/rencontres/changes/ — every event type with its fields, cursor paging under
equal timestamps, retention (410), and the README's client mirroring the rencontres."""

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from rencontres.api.changes import changes_payload, decode_cursor, encode_cursor
from rencontres.models import EventType, PublicationEvent, RencontreIndexPage, RencontrePage
from tests.api.helpers import V2, V3, publish, site
from tests.factories import RencontrePageFactory, sections

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

README = Path(__file__).resolve().parents[2] / "README.md"
SETTLED = override_settings(RENCONTRES_CHANGES_SETTLE_SECONDS=0)


def read_all(client, base, limit=None):
    """Every entry of the change log, page after page, and the requests it took."""
    items, cursor, requests = [], "", 0
    while True:
        query = {"since": cursor} if cursor else {}
        if limit:
            query["limit"] = limit
        response = client.get(f"{base}changes/", query)
        assert response.status_code == 200, response.content
        data = response.json()
        requests += 1
        items += data["items"]
        cursor = data["next_cursor"]
        if not data["has_more"]:
            return items, cursor, requests


@SETTLED
class EventTypesTests(TestCase):
    """Every event type once, with the right fields, in both APIs; nothing of a draft,
    a private page or a redacted value."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.other = RencontreIndexPage(title="Rencontres du Rhône", slug="rhone")
        cls.home.add_child(instance=cls.other)
        cls.other.save_revision().publish()

        def new(title, parent=cls.index):
            return publish(RencontrePageFactory(parent=parent, title=title))

        published = new("Atelier publié")
        publish_with(published, status="complete")  # a second version
        unpublished = new("Atelier dépublié")
        RencontrePage.objects.get(pk=unpublished.pk).unpublish()
        expired = new("Atelier expiré")
        Page.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - dt.timedelta(hours=1))
        scheduled = RencontrePageFactory(parent=cls.index, title="Atelier programmé", live=False)
        revision = scheduled.save_revision(approved_go_live_at=timezone.now())
        revision.approved_go_live_at = timezone.now() - dt.timedelta(minutes=1)
        revision.save(update_fields=["approved_go_live_at"])
        call_command("publish_scheduled", verbosity=0)  # goes live, the other expires
        deleted = new("Atelier supprimé")
        Page.objects.get(pk=deleted.pk).delete()
        private = new("Atelier rendu privé")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        publish_with(private, venue="Salle secrète")  # private: kept for its history, unlisted
        public_again = new("Atelier redevenu public")
        restriction = PageViewRestriction.objects.create(
            page=public_again, restriction_type=PageViewRestriction.LOGIN
        )
        restriction.delete()
        moved = new("Atelier déplacé")
        Page.objects.get(pk=moved.pk).move(cls.other, pos="last-child")
        redacted = new("Atelier expurgé")
        publish_with(redacted, access_notes="Appeler Mme Dupont au 06 12 34 56 78.")
        publish_with(redacted, access_notes="Accès par la cour.")
        call_command(
            "publication_log",
            "retirer",
            "--page",
            str(redacted.pk),
            "--valeur",
            "06 12 34 56 78",
            "--motif",
            "Numéro personnel",
            stdout=io.StringIO(),
        )
        draft = RencontrePage.objects.get(pk=published.pk)
        draft.title = "Titre de brouillon"
        draft.save_revision()
        cls.pages = {
            "published": published,
            "scheduled_publication": scheduled,
            "unpublished": unpublished,
            "expired": expired,
            "deleted": deleted,
            "made_private": private,
            "made_public": public_again,
            "moved": moved,
            "redacted": redacted,
        }

    def test_every_type_once_with_its_fields(self):
        for base in (V2, V3):
            with self.subTest(base):
                items, _cursor, _requests = read_all(self.client, base)
                last = {}
                for item in items:
                    last.setdefault(item["type"], []).append(item)
                self.assertEqual(set(last), {choice.value for choice in EventType})
                for kind, page in self.pages.items():
                    item = next(i for i in last[kind] if i["page_id"] == page.pk)
                    self.assertEqual(item["locale"], "fr")
                    self.assertEqual(item["translation_key"], str(page.translation_key))
                    self.assertEqual(decode_cursor(item["cursor"])[1], item["id"])
                    dt.datetime.fromisoformat(item["time"])
                    if kind in ("unpublished", "expired", "deleted", "made_private"):
                        self.assertEqual(
                            (item["visible"], item["api_url"], item["changed_fields"]),
                            (False, None, []),
                        )
                    else:
                        self.assertTrue(item["visible"])
                        self.assertEqual(
                            item["api_url"], f"http://testserver{base}{page.pk}/", kind
                        )
                # The second publication of « Atelier publié »: a version, its fields.
                versions = [
                    i for i in last["published"] if i["page_id"] == self.pages["published"].pk
                ]
                self.assertEqual(
                    [v["changed_fields"][:1] for v in versions], [["title"], ["status"]]
                )

    def test_nothing_of_a_draft_a_private_page_or_a_redacted_value(self):
        for base in (V2, V3):
            with self.subTest(base):
                items, _cursor, _requests = read_all(self.client, base)
                text = json.dumps(items, ensure_ascii=False)
                for secret in ("Titre de brouillon", "Salle secrète", "06 12 34 56 78"):
                    self.assertNotIn(secret, text)
                private = [i for i in items if i["page_id"] == self.pages["made_private"].pk]
                self.assertEqual([i["type"] for i in private], ["published", "made_private"])

    def test_removed_rencontres_are_gone_from_the_api(self):
        for kind in ("unpublished", "expired", "deleted", "made_private"):
            with self.subTest(kind):
                page_id = self.pages[kind].pk
                self.assertEqual(self.client.get(f"{V2}{page_id}/").status_code, 404)


@SETTLED
class CursorTests(TestCase):
    """Paging by an opaque cursor never skips or repeats an entry, even when many share
    one timestamp; a cursor older than the retention answers 410."""

    @classmethod
    def setUpTestData(cls):
        _home, index = site()
        cls.pages = [
            publish(RencontrePageFactory(parent=index, title=f"Atelier n°{n}")) for n in range(7)
        ]
        # Published in the same instant, as a bulk import does.
        cls.instant = timezone.now() - dt.timedelta(minutes=5)
        PublicationEvent.objects.update(time=cls.instant)

    def test_equal_timestamps_page_by_two(self):
        expected = list(PublicationEvent.objects.listed().values_list("pk", flat=True))
        self.assertEqual(len(expected), 7)
        cursors = {}
        for base in (V2, V3):
            with self.subTest(base):
                items, cursors[base], requests = read_all(self.client, base, limit=2)
                self.assertEqual([item["id"] for item in items], expected)
                self.assertEqual(requests, 4)
                self.assertEqual(len({item["time"] for item in items}), 1)
                # Read again from the last cursor: nothing, until something happens.
                data = self.client.get(f"{base}changes/", {"since": cursors[base]}).json()
                self.assertEqual(data["items"], [])
        publish_with(self.pages[0], status="annulee")
        for base in (V2, V3):
            data = self.client.get(f"{base}changes/", {"since": cursors[base]}).json()
            self.assertEqual([i["page_id"] for i in data["items"]], [self.pages[0].pk])
            self.assertEqual(data["items"][0]["changed_fields"], ["status"])

    def test_an_entry_added_at_the_same_instant_is_not_skipped(self):
        expected = list(PublicationEvent.objects.listed().values_list("pk", flat=True))
        first = self.client.get(f"{V2}changes/", {"limit": 3}).json()
        # Written after the first page was read, with the same timestamp (a transaction
        # that began at that instant and committed late).
        publish_with(self.pages[1], status="reportee")
        late = PublicationEvent.objects.latest("pk")
        PublicationEvent.objects.filter(pk=late.pk).update(time=self.instant)
        rest = read_all_after(self.client, V2, first["next_cursor"])
        ids = [i["id"] for i in first["items"]] + [i["id"] for i in rest]
        self.assertEqual(ids, [*expected, late.pk])

    def test_cursor_older_than_the_retention_is_gone(self):
        old = encode_cursor(timezone.now() - dt.timedelta(days=91), 1)
        recent = encode_cursor(timezone.now() - dt.timedelta(days=89), 1)
        response = self.client.get(f"{V2}changes/", {"since": old})
        self.assertEqual(response.status_code, 410)
        self.assertIn("resynchronisez-vous", response.json()["message"])
        self.assertIn("90 jours", response.json()["message"])
        response = self.client.get(f"{V3}changes/", {"since": old})
        self.assertEqual(response.status_code, 410)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertIn("resynchronisez-vous", response.json()["detail"])
        for base in (V2, V3):
            self.assertEqual(self.client.get(f"{base}changes/", {"since": recent}).status_code, 200)
        with override_settings(RENCONTRES_CHANGES_RETENTION_DAYS=30):
            response = self.client.get(f"{V2}changes/", {"since": recent})
            self.assertEqual(response.status_code, 410)
            self.assertIn("30 jours", response.json()["message"])

    def test_bad_parameters(self):
        for since in ("pas-un-curseur", "e30", encode_cursor(timezone.now(), 1)[:-3] + "!!!"):
            with self.subTest(since):
                response = self.client.get(f"{V2}changes/", {"since": since})
                self.assertEqual(response.status_code, 400)
                self.assertIn("Curseur invalide", response.json()["message"])
                self.assertEqual(
                    self.client.get(f"{V3}changes/", {"since": since}).status_code, 422
                )
        self.assertEqual(self.client.get(f"{V2}changes/", {"limit": "0"}).status_code, 400)
        self.assertEqual(self.client.get(f"{V2}changes/", {"page": "2"}).status_code, 400)
        self.assertEqual(self.client.get(f"{V3}changes/", {"limit": "0"}).status_code, 422)

    def test_the_change_log_is_documented_in_openapi(self):
        schema = self.client.get("/api/v3/openapi.json").json()
        operation = schema["paths"]["/api/v3/rencontres/changes/"]["get"]
        self.assertEqual(operation["operationId"], "rencontres_changes")
        self.assertTrue({"200", "410"} <= set(operation["responses"]))
        self.assertEqual(
            {parameter["name"] for parameter in operation["parameters"]}, {"since", "limit"}
        )


def read_all_after(client, base, cursor):
    items = []
    while True:
        data = client.get(f"{base}changes/", {"since": cursor, "limit": 2}).json()
        items += data["items"]
        cursor = data["next_cursor"]
        if not data["has_more"]:
            return items


def publish_with(page, **changes):
    page = RencontrePage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    return publish(page)


class SettleTests(TestCase):
    """Events younger than the settle delay wait: a slow transaction is never passed over
    (a fixed clock: ``changes_payload(now=…)``)."""

    @classmethod
    def setUpTestData(cls):
        _home, index = site()
        cls.page = publish(RencontrePageFactory(parent=index, title="Atelier du matin"))
        cls.time = PublicationEvent.objects.get(page_id=cls.page.pk).time

    def test_an_event_waits_for_the_settle_delay(self):
        with override_settings(RENCONTRES_CHANGES_SETTLE_SECONDS=5):
            early = changes_payload(now=self.time + dt.timedelta(seconds=2))
            self.assertEqual(early["items"], [])
            # The cursor stays before the event: the next read lists it.
            later = changes_payload(
                since=early["next_cursor"], now=self.time + dt.timedelta(seconds=6)
            )
            self.assertEqual([i["page_id"] for i in later["items"]], [self.page.pk])
            # And an idle consumer's cursor keeps moving with the clock, by the hour.
            later_on = (self.time + dt.timedelta(days=60)).replace(
                minute=30, second=0, microsecond=0
            )
            idle = changes_payload(since=later["next_cursor"], now=later_on)
            position, _pk = decode_cursor(idle["next_cursor"])
            self.assertEqual(position, later_on.replace(minute=0))
            # The same answer for the hour: a cache may keep it.
            again = changes_payload(
                since=later["next_cursor"], now=later_on + dt.timedelta(minutes=20)
            )
            self.assertEqual(again, idle)


# -- the README's client, against a live server -----------------------------------------------


def readme_client():
    """The Python code of the README's change log client."""
    text = README.read_text()
    section = text[text.index("### Change log") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_readme_client_mirrors_the_published_rencontres(live_server, settings, tmp_path):
    settings.RENCONTRES_CHANGES_SETTLE_SECONDS = 0
    settings.WAGTAILAPI_BASE_URL = live_server.url
    _home, index = site()
    first = publish(RencontrePageFactory(parent=index, title="Atelier Vallée du Gier"))
    second = publish(RencontrePageFactory(parent=index, title="Atelier Grand Lyon"))
    private = publish(RencontrePageFactory(parent=index, title="Atelier privé"))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    client = {}
    exec(readme_client(), client)  # noqa: S102 - the README's own code, run as a user would
    client["API"] = f"{live_server.url}{V2}"
    client["FILE"] = tmp_path / "rencontres.json"

    def mirrored():
        data = json.loads(client["FILE"].read_text())
        return {int(pk): rencontre["title"] for pk, rencontre in data["rencontres"].items()}

    client["sync"]()
    assert mirrored() == {first.pk: "Atelier Vallée du Gier", second.pk: "Atelier Grand Lyon"}

    # A change, a removal, a new one: the next run follows.
    publish_with(
        first, title="Atelier territorial Vallée du Gier", description=sections(pourquoi=["Agir"])
    )
    RencontrePage.objects.get(pk=second.pk).unpublish()
    third = publish(RencontrePageFactory(parent=index, title="Atelier Saint-Étienne"))
    client["sync"]()
    assert mirrored() == {
        first.pk: "Atelier territorial Vallée du Gier",
        third.pk: "Atelier Saint-Étienne",
    }
    data = json.loads(client["FILE"].read_text())
    assert data["rencontres"][str(first.pk)]["description"][0]["value"]["items"] == ["Agir"]

    # Too old a cursor: it starts again from the beginning of the log, and ends the same.
    data["cursor"] = encode_cursor(timezone.now() - dt.timedelta(days=400), 1)
    data["rencontres"] = {"999999": {"title": "Vieille copie"}}
    client["FILE"].write_text(json.dumps(data))
    client["sync"]()
    assert mirrored() == {
        first.pk: "Atelier territorial Vallée du Gier",
        third.pk: "Atelier Saint-Étienne",
    }
