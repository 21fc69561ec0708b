"""Dates are bounded to the years 2000–2100 in the rencontre's zone: the admin form and
the model refuse others with a French message, the importer skips the row, the filters
of the listing and of both APIs clamp them, ids beyond the database's integers are a
404, and ``repair_rencontre_dates`` repairs rows written before — on PostgreSQL and on
SQLite (the quick start's database) alike.

The dates of the issue: 31/12/9999 23:00 in Guadeloupe (UTC−4) is year 10,000 in UTC,
which PostgreSQL stores and psycopg cannot read back; year 1 overflows in time-zone
conversions (Paris was UTC+0:09 then).
"""

import base64
import datetime as dt
import io
import json
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DataError, connection
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageLogEntry

from rencontres.history.text import format_datetime, format_datetime_in
from rencontres.models import RencontrePage
from tests.factories import (
    RencontrePageFactory,
    build_site,
    departement,
    rencontre_form_data,
    superuser,
)

from .test_validation import field_errors

GUADELOUPE = zoneinfo.ZoneInfo("America/Guadeloupe")
NOUMEA = zoneinfo.ZoneInfo("Pacific/Noumea")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MESSAGE = (
    "Saisissez une date comprise entre les années 2000 et 2100 (heure locale de la rencontre)."
)
BIG_ID = 2**63

pytestmark = pytest.mark.sqlite


@pytest.fixture
def index(db):
    return build_site()[1]


@pytest.fixture
def editor(client, db):
    user = superuser()
    client.force_login(user)
    return user


def guadeloupe_form(**fields):
    return rencontre_form_data(
        departement=str(departement("971").pk),
        postcode="97110",
        commune="Pointe-à-Pitre",
        **fields,
    )


def add_url(index):
    return reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", index.pk])


# -- the admin form and the model ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9999-12-31 23:00", "9999-12-31 23:30"),  # year 10,000 in UTC
        ("0001-01-01 10:00", "0001-01-01 12:00"),
        ("1999-12-31 23:00", "2000-01-01 02:00"),  # only the start is out
    ],
)
@pytest.mark.parametrize("action", ["action-publish", None])
def test_the_admin_form_refuses_dates_outside_the_years_allowed(
    client, editor, index, start, end, action
):
    data = guadeloupe_form(start=start, end=end)
    if action:
        data[action] = "1"
    response = client.post(add_url(index), data)

    assert response.status_code == 200  # the form again, with its messages
    errors = field_errors(response)
    assert errors["start"] == MESSAGE
    assert ("end" in errors) == end.startswith(("9999", "0001"))
    if "end" in errors:
        assert errors["end"] == MESSAGE
    assert not RencontrePage.objects.exists()
    # What the editor typed is shown again, as typed.
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("input[name=start]")["value"] == start


def test_the_edit_form_refuses_them_too_and_keeps_the_page(client, editor, index):
    page = RencontrePageFactory(parent=index, departement=departement("971"))
    page.save_revision().publish()
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = guadeloupe_form(
        slug=page.slug,
        start="9999-12-31 23:00",
        end="9999-12-31 23:30",
        registration_deadline="0001-01-01 00:00",
    )
    response = client.post(url, {**data, "action-publish": "1"})

    assert response.status_code == 200
    errors = field_errors(response)
    assert errors["start"] == errors["end"] == errors["registration_deadline"] == MESSAGE
    stored = RencontrePage.objects.get(pk=page.pk)
    assert stored.start == page.start
    assert client.get(url).status_code == 200
    assert client.get(stored.url).status_code == 200


def test_the_bounds_are_the_rencontres_local_years(client, editor, index):
    """1 January 2000 at midnight in Nouméa is still 1999 in UTC, and 31 December 2100
    at 23:00 in Guadeloupe already 2101: both are allowed, their neighbours are not."""
    noumea = rencontre_form_data(
        departement=str(departement("988").pk),
        postcode="98800",
        commune="Nouméa",
        start="2000-01-01 00:00",
        end="2000-01-01 03:00",
        slug="noumea",
    )
    assert client.post(add_url(index), noumea).status_code == 302
    late = guadeloupe_form(start="2100-12-31 20:00", end="2100-12-31 23:59", slug="tard")
    assert client.post(add_url(index), late).status_code == 302
    assert RencontrePage.objects.get(slug="noumea").start == dt.datetime(
        1999, 12, 31, 13, tzinfo=dt.UTC
    )
    assert RencontrePage.objects.get(slug="tard").end.year == 2101  # in UTC

    too_late = guadeloupe_form(start="2100-12-31 20:00", end="2101-01-01 00:00", slug="trop")
    assert field_errors(client.post(add_url(index), too_late)) == {"end": MESSAGE}


def test_the_model_refuses_them_in_clean_and_in_save(index):
    page = RencontrePageFactory.build(
        departement=departement("971"),
        start=dt.datetime(9999, 12, 31, 23, tzinfo=GUADELOUPE),
        end=dt.datetime(9999, 12, 31, 23, 30, tzinfo=GUADELOUPE),
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert error.value.message_dict["start"] == [MESSAGE]
    assert error.value.message_dict["end"] == [MESSAGE]

    # A caller that skips validation (a draft, clean=False) cannot write them either.
    page.live = False
    with pytest.raises(ValidationError):
        index.add_child(instance=page)
    assert not RencontrePage.objects.exists()

    existing = RencontrePageFactory(parent=index)
    existing.start = dt.datetime(1, 1, 1, tzinfo=PARIS)
    with pytest.raises(ValidationError):
        existing.save(clean=False)
    assert RencontrePage.objects.get(pk=existing.pk).start.year > 2000
    # Saving other fields of a page is not refused for its dates.
    existing.title = "Atelier renommé"
    existing.save(update_fields=["title"], clean=False)


# -- the importer ---------------------------------------------------------------------


def test_the_importer_skips_a_meeting_outside_the_years_allowed(index, tmp_path):
    meeting = {
        "scope": {"id": "971", "name": {"fr": "971 - Guadeloupe"}},
        "title": {"fr": "Atelier de l’an 9999"},
        "address": "Place de la Victoire, 97110 Pointe-à-Pitre",
        "type_of_meeting": "in_person",
    }
    rows = [
        {**meeting, "id": 901, "start_time": "9999-12-31T23:00:00-04:00",
         "end_time": "9999-12-31T23:30:00-04:00"},
        {**meeting, "id": 902, "start_time": "0001-01-01T10:00:00+00:00",
         "end_time": "2030-01-01T12:00:00+00:00"},
        {**meeting, "id": 903, "title": {"fr": "Atelier en 2030"},
         "start_time": "2030-05-12T10:00:00-04:00", "end_time": "2030-05-12T12:00:00-04:00"},
    ]  # fmt: skip
    export = tmp_path / "meetings.json"
    export.write_text(json.dumps(rows), encoding="utf-8")
    out = io.StringIO()
    call_command("import_decidim", str(export), stdout=out)

    text = out.getvalue()
    assert (
        "(Decidim 901) : date de début hors des années 2000 à 2100 : "
        "« 9999-12-31T23:00:00-04:00 » ; date de fin hors des années 2000 à 2100 : "
        "« 9999-12-31T23:30:00-04:00 »"
    ) in text
    assert "(Decidim 902) : date de début hors des années 2000 à 2100" in text
    assert list(RencontrePage.objects.values_list("decidim_id", flat=True)) == ["903"]


# -- filters and ids ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("updated_since=0001-01-01T00:00:00", ["atelier"]),
        ("updated_since=0001-01-01", ["atelier"]),
        ("updated_since=0001-01-01T00:00:00Z", ["atelier"]),
        ("updated_since=9999-12-31T23:59:59", []),
        ("updated_since=9999-12-31T23:00:00-04:00", []),
        ("start_after=0001-01-01", ["atelier"]),
        ("start_after=9999-12-31", []),
        ("start_before=0001-01-01", []),
        ("start_before=9999-12-31", ["atelier"]),
        ("start_after=0001-01-01&start_before=9999-12-31&period=upcoming", ["atelier"]),
    ],
)
@pytest.mark.parametrize("api", ["/api/v2/rencontres/", "/api/v3/rencontres/"])
def test_both_apis_clamp_dates_outside_the_years_allowed(client, index, api, query, expected):
    page = RencontrePageFactory(parent=index, slug="atelier")
    page.save_revision().publish()
    response = client.get(f"{api}?{query.replace('-04:00', '%2D04:00')}")
    assert response.status_code == 200, response.content
    assert [item["meta"]["slug"] for item in response.json()["items"]] == expected


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        # Python reads offsets up to ±23:59; PostgreSQL takes ±15:59 at most and refused
        # the rest with a DataError (a 500 on both APIs).
        ("+16:00", ["atelier"]),
        ("-23:59", ["atelier"]),
        ("+23:59", ["atelier"]),
        ("+14:00", ["atelier"]),
    ],
)
@pytest.mark.parametrize("api", ["/api/v2/rencontres/", "/api/v3/rencontres/"])
def test_both_apis_take_any_offset_python_reads(client, index, api, offset, expected):
    page = RencontrePageFactory(parent=index, slug="atelier")
    page.save_revision().publish()
    since = "2025-03-01T10:00:00" + offset.replace("+", "%2B")
    response = client.get(f"{api}?updated_since={since}")
    assert response.status_code == 200, response.content
    assert [item["meta"]["slug"] for item in response.json()["items"]] == expected
    # The same instant, later than every publication: nothing.
    response = client.get(f"{api}?updated_since=2100-12-31T23:00:00{offset.replace('+', '%2B')}")
    assert response.status_code == 200, response.content
    assert response.json()["items"] == []


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_the_listing_form_refuses_them_with_a_message(client, index, value):
    RencontrePageFactory(parent=index, title="Atelier du printemps")
    for name in ("du", "au"):
        response = client.get(index.url, {name: value})
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        error = soup.select_one(f"#filtre-{name}-erreur")
        assert " ".join(error.get_text(" ", strip=True).split()) == (
            "Saisissez une date comprise entre le 1 janvier 2000 et le 31 décembre 2100."
        )
        # The other filters still apply: the rencontre is listed.
        assert "Atelier du printemps" in soup.get_text()
    # Calendars and feeds have no page to show the message on: a 400 that says it.
    for feed in ("agenda.ics", "flux/"):
        response = client.get(f"{index.url}{feed}", {"du": value})
        assert response.status_code == 400
        assert "entre le 1 janvier 2000 et le 31 décembre 2100" in response.content.decode()


def cursor(iso, pk=1):
    raw = json.dumps([iso, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("iso", "status"),
    [
        ("0001-01-01T00:00:00+00:00", 410),  # older than the log keeps: resynchronise
        ("9999-12-31T23:00:00-04:00", 400),  # year 10,000 in UTC: not a cursor we gave
        ("9999-12-31T23:59:59+00:00", 200),  # after everything: nothing yet
    ],
)
@pytest.mark.parametrize("api", ["/api/v2/rencontres/", "/api/v3/rencontres/"])
def test_the_change_log_answers_cursors_outside_the_years_allowed(client, index, api, iso, status):
    page = RencontrePageFactory(parent=index)
    page.save_revision().publish()
    response = client.get(f"{api}changes/", {"since": cursor(iso)})
    if status == 400 and "v3" in api:
        status = 422  # v3 answers an invalid parameter 422, v2 400 (README « API »)
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v2/rencontres/{BIG_ID}/",
        f"/api/v2/rencontres/{BIG_ID}/history/",
        f"/api/v2/rencontres/{BIG_ID}/history/1/",
        f"/api/v2/rencontres/{{pk}}/history/{BIG_ID}/",
        f"/api/v2/pages/{BIG_ID}/",
        f"/api/v2/images/{BIG_ID}/",
        f"/api/v2/documents/{BIG_ID}/",
        f"/api/v3/rencontres/{BIG_ID}/",
        f"/api/v3/rencontres/{BIG_ID}/history/",
        f"/api/v3/rencontres/{{pk}}/history/{BIG_ID}/",
        f"/api/v3/pages/{BIG_ID}/",
        f"/api/v3/images/{BIG_ID}/",
    ],
)
def test_an_id_beyond_the_databases_integers_is_not_found(client, index, path):
    page = RencontrePageFactory(parent=index)
    page.save_revision().publish()
    response = client.get(path.format(pk=page.pk))
    # v3 validates path ids (422, its validation error); every other answer is a 404.
    assert response.status_code in (404, 422)
    assert response.status_code == 404 or path.startswith("/api/v3/rencontres/")
    assert response.json()


# -- repairing rows written before the bounds ----------------------------------------------


def corrupt(page, start, end):
    """Write ``start``/``end`` (ISO text with offset) into the page's row and its live
    revision, bypassing every check, as rows written before the bounds were."""
    if connection.vendor == "sqlite":  # Django would convert to UTC (and overflow)
        with connection.cursor() as cursor:
            cursor.execute(
                'UPDATE rencontres_rencontrepage SET "start" = %s, "end" = %s '
                "WHERE page_ptr_id = %s",
                [start.replace("T", " ")[:19], end.replace("T", " ")[:19], page.pk],
            )
    else:  # PostgreSQL stores what it is given, even year 10,000 in UTC
        with connection.cursor() as cursor:
            cursor.execute(
                'UPDATE rencontres_rencontrepage SET "start" = %s::timestamptz, '
                '"end" = %s::timestamptz WHERE page_ptr_id = %s',
                [start, end, page.pk],
            )
    revision = page.live_revision
    revision.content = {**revision.content, "start": start, "end": end}
    revision.save(update_fields=["content"])


@pytest.fixture
def corrupted(index):
    """A published rencontre in Guadeloupe from 31/12/9999 23:00 (on SQLite, where
    Python cannot hold year 10,000, from year 1), its English translation too."""
    author = superuser("camille")
    author.first_name, author.last_name, author.email = "Camille", "Martin", "camille@example.org"
    author.save()
    page = RencontrePageFactory(
        parent=index, title="Atelier impossible", departement=departement("971"), owner=author
    )
    page.save_revision(user=author).publish(user=author)
    page.refresh_from_db()
    if connection.vendor == "sqlite":
        start, end = "0001-01-01T10:00:00+00:00", "0001-01-01T12:00:00+00:00"
    else:
        start, end = "9999-12-31T23:00:00-04:00", "9999-12-31T23:30:00-04:00"
    corrupt(page, start, end)
    good = RencontrePageFactory(parent=index, title="Atelier correct")
    good.save_revision().publish()
    return page, good, author


def test_repair_finds_unpublishes_and_names_who_should_fix(client, corrupted, editor):
    page, good, author = corrupted
    if connection.vendor == "postgresql":  # what broke every page that reached the row
        with pytest.raises(DataError, match="after year 10K"):
            RencontrePage.objects.get(pk=page.pk)
    out = io.StringIO()
    call_command("repair_rencontre_dates", "--notify", stdout=out)
    text = out.getvalue()

    assert f"« Atelier impossible » (fr, page {page.pk}) — début : " in text
    stored = "10000-01-01 03:00:00+00" if connection.vendor == "postgresql" else "0001-01-01"
    assert stored in text
    assert f"/admin/pages/{page.pk}/edit/" in text
    assert "à corriger par : Camille Martin <camille@example.org>" in text
    assert "1 rencontre(s) réparée(s) et dépubliée(s)." in text
    assert "Atelier correct" not in text

    repaired = RencontrePage.objects.get(pk=page.pk)
    assert not repaired.live
    local_start, local_end = repaired.local_start, repaired.local_end
    if connection.vendor == "postgresql":  # brought to the last day allowed
        assert (local_start.year, local_end.year) == (2100, 2100)
    else:  # brought to the first
        assert local_start == dt.datetime(2000, 1, 1, tzinfo=GUADELOUPE)
    assert local_end > local_start
    assert PageLogEntry.objects.filter(page=page, action="wagtail.unpublish").exists()
    assert repaired.get_latest_revision_as_object().start == repaired.start
    assert RencontrePage.objects.get(pk=good.pk).live

    # Everything that read the row answers again; the editor can fix and delete it.
    for url in [
        good.url,
        good.get_parent().url,
        "/api/v2/rencontres/",
        "/api/v3/rencontres/",
        "/admin/rencontres/",
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        reverse("wagtailadmin_pages:delete", args=[page.pk]),
        reverse("wagtailadmin_pages:history", args=[page.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(repaired.url).status_code == 404  # unpublished

    (message,) = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.subject == "Rencontre à corriger : « Atelier impossible »"
    assert f"/admin/pages/{page.pk}/edit/" in message.body

    out = io.StringIO()
    call_command("repair_rencontre_dates", stdout=out)
    assert "Aucune rencontre n’a de date hors des années 2000 à 2100." in out.getvalue()


def test_repair_dry_run_changes_nothing(corrupted):
    page, _good, _author = corrupted
    out = io.StringIO()
    call_command("repair_rencontre_dates", "--dry-run", stdout=out)
    assert "« Atelier impossible »" in out.getvalue()
    assert "1 rencontre(s) à réparer (rien n’a été modifié)." in out.getvalue()
    assert RencontrePage.objects.filter(pk=page.pk, live=True).exists()
    assert not mail.outbox


def test_the_history_shows_a_date_no_zone_can_hold_as_stored():
    """Revisions saved before the bounds keep their dates: the history shows them."""
    early = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    assert format_datetime(early, GUADELOUPE) == "0001-01-01T00:00:00+00:00"
    late = dt.datetime(9999, 12, 31, 23, tzinfo=GUADELOUPE)
    assert format_datetime_in(late, None) == "9999-12-31T23:00:00-04:00"
    with translation.override("fr"):
        assert format_datetime_in(dt.datetime(2030, 5, 12, 14, tzinfo=PARIS), None) == (
            "dimanche 12 mai 2030 à 14:00"
        )
