"""Text that breaks formats: a line break or a control character in a title or another
single-line field is refused in the admin (in French) and made one line by the
importer; calendars, feeds and JSON stay valid whatever is stored (CR, LF, CRLF, NUL,
vertical tab, U+2028) — on PostgreSQL and on SQLite.

PostgreSQL cannot store a NUL in text: it is tried on SQLite only, where it can be.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from rencontres.models import Organisation, RencontrePage
from tests.factories import (
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    rencontre_form_data,
    superuser,
)

from .test_validation import field_errors

pytestmark = pytest.mark.sqlite

MESSAGE = (
    "Ce champ tient sur une seule ligne : retirez les retours à la ligne, tabulations "
    "et caractères de contrôle."
)
BREAKS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r", "U+2028": "\u2028", "VT": "\x0b"}


def stored_characters():
    """What may be stored: PostgreSQL refuses a NUL in text, SQLite keeps it."""
    values = dict(BREAKS)
    if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        values["NUL"] = "\x00"
    return values


@pytest.fixture
def index(db):
    return build_site()[1]


@pytest.fixture
def editor(client, db):
    user = superuser()
    client.force_login(user)
    return user


# -- refused in the admin --------------------------------------------------------------


@pytest.mark.parametrize("name", list(BREAKS) + ["tab"])
def test_the_admin_refuses_a_break_inside_a_single_line_field(client, editor, index, name):
    character = BREAKS.get(name, "\t")
    url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", index.pk])
    data = rencontre_form_data(
        title=f"Atelier territorial{character}Saint-Étienne",
        venue=f"Maison{character}de quartier",
        address=f"12 place{character}de la Paix",
        commune=f"Saint{character}Étienne",
        seo_title=f"Atelier{character}2030",
    )
    response = client.post(url, {**data, "action-publish": "1"})

    assert response.status_code == 200
    errors = field_errors(response)
    for field in ("title", "venue", "address", "commune", "seo_title"):
        assert errors.get(field) == MESSAGE, (field, errors)
    assert not RencontrePage.objects.exists()


def test_the_admin_refuses_a_nul_character_in_french(client, editor, index):
    url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", index.pk])
    response = client.post(url, rencontre_form_data(title="Atelier\x00territorial"))
    assert response.status_code == 200
    assert field_errors(response)["title"] == "Le caractère nul n’est pas autorisé."
    assert not RencontrePage.objects.exists()


def test_a_break_at_either_end_is_trimmed_not_refused(client, editor, index):
    url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", index.pk])
    response = client.post(url, rencontre_form_data(title="\r\nAtelier territorial\n"))
    assert response.status_code == 302
    assert RencontrePage.objects.get().title == "Atelier territorial"


def test_the_index_and_organisations_refuse_them_too(client, editor, index):
    url = reverse("wagtailadmin_pages:edit", args=[index.pk])
    response = client.post(
        url,
        {
            "title": "Les rencontres\nlocales",
            "slug": index.slug,
            "introduction": rich_text(""),
            **nested_form_data({"comments": inline_formset([])}),
        },
    )
    assert response.status_code == 200
    assert field_errors(response)["title"] == MESSAGE

    add = reverse("wagtailsnippets_rencontres_organisation:add")
    response = client.post(add, {"name": "Kaléido’Scop\u2028SCOP", "url": "", "description": ""})
    assert response.status_code == 200
    assert field_errors(response)["name"] == MESSAGE
    assert not Organisation.objects.exists()


# -- made one line by the importer ------------------------------------------------------


def test_the_importer_makes_single_line_fields_one_line(index, tmp_path):
    meeting = {
        "id": 701,
        "scope": {"id": "42", "name": {"fr": "42 - Loire"}},
        "title": {"fr": "Atelier\r\nterritorial\x00 du\u2028Gier", "en": "Gier\nworkshop"},
        "location": {"fr": "Salle\x0bJean Jaurès"},
        "location_hints": {"fr": "Tram T1\r\narrêt Mairie\x00."},
        "address": "3 rue\u2028Jean Jaurès, 42800 Rive-de-Gier",
        "type_of_meeting": "in_person",
        "start_time": "2030-05-12T14:00:00+02:00",
        "end_time": "2030-05-12T17:00:00+02:00",
    }
    export = tmp_path / "meetings.json"
    export.write_text(json.dumps([meeting]), encoding="utf-8")
    call_command("import_decidim", str(export), stdout=io.StringIO())

    page = RencontrePage.objects.get(decidim_id="701", locale__language_code="fr")
    assert page.title == "Atelier territorial du Gier"
    assert page.venue == "Salle Jean Jaurès"
    assert page.address == "3 rue, Jean Jaurès"  # a line of an address: a part of it
    assert page.commune == "Rive-de-Gier"
    assert page.access_notes == "Tram T1\narrêt Mairie."  # multi-line: lines kept
    english = page.get_translations().filter(locale__language_code="en").first()
    if english is not None:
        assert english.title == "Gier workshop"


# -- valid formats whatever is stored --------------------------------------------------


def assert_valid_ics(body):
    """Content lines end with CRLF and hold no other line break or control character."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    for line in text[:-2].split("\r\n"):
        assert "\r" not in line and "\n" not in line, line
        assert not any(
            (ord(c) < 32 and c != "\t") or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029"
            for c in line
        ), repr(line)
    return Calendar.from_ical(body)


def parse_xml(body):
    return ET.fromstring(body)  # noqa: S314 - our own server's output


def strings_of(document):
    if isinstance(document, str):
        yield document
    elif isinstance(document, dict):
        for value in document.values():
            yield from strings_of(value)
    elif isinstance(document, list):
        for value in document:
            yield from strings_of(value)


def one_line(value):
    return "\n" not in value and "\r" not in value and "\u2028" not in value


@pytest.fixture
def stored(index, request):
    """A published rencontre whose texts hold ``request.param`` everywhere, written
    without the admin's checks (as by an older import, or a script)."""
    character = request.param
    organisation = OrganisationFactory(name=f"Kaléido{character}Scop")
    page = RencontrePageFactory(parent=index, slug="atelier", organisers=[organisation])
    page.save_revision().publish()
    texts = {
        "title": f"Atelier{character}territorial",
        "venue": f"Salle{character}Jaurès",
        "address": f"3 rue{character}Jaurès",
        "commune": f"Rive{character}de-Gier",
        "access_notes": f"Tram{character}T1",
        "search_description": f"Un atelier{character}ouvert",
        "seo_title": f"Atelier{character}2030",
    }
    RencontrePage.objects.filter(pk=page.pk).update(**texts)
    page.refresh_from_db()
    revision = page.live_revision  # the history's version holds them too
    revision.content = {**revision.content, **texts}
    revision.save(update_fields=["content"])
    return RencontrePage.objects.get(pk=page.pk), texts


@pytest.mark.parametrize(
    "stored", list(stored_characters().values()), indirect=True, ids=list(stored_characters())
)
def test_calendars_feeds_and_json_stay_valid(client, stored):
    page, texts = stored
    index = page.get_parent().specific

    for url in (f"{page.url}agenda.ics", f"{index.url}agenda.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        (event,) = assert_valid_ics(response.content).walk("VEVENT")
        assert one_line(str(event["summary"]))
        assert str(event["summary"]).replace(" ", "") == "Atelierterritorial"
        assert "Tram" in str(event["description"])

    for url in (f"{index.url}flux/", f"{index.url}flux/atom/", f"{page.url}changements/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        root = parse_xml(response.content)
        titles = [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "title"]
        assert titles and all(one_line(title) for title in titles), titles

    for url in (
        f"/api/v2/rencontres/{page.pk}/",
        f"/api/v3/rencontres/{page.pk}/",
        f"{index.url}donnees.json",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        # JSON escapes what it must: a consumer parses back the text as stored.
        assert texts["title"] in strings_of(json.loads(response.content)), url

    response = client.get(f"{index.url}donnees.csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [row for row in rows if texts["title"] in row.values()]

    response = client.get(page.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    (script,) = soup.select('script[type="application/ld+json"]')
    assert json.loads(script.string)["name"] == texts["title"]
