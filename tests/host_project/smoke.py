"""Run by ``scripts/test-host-project`` with the Python of a fresh virtual environment
holding only the plugin's wheel and its dependencies, in a project made by
``wagtail start`` plus the README's lines: not collected by pytest.

Creates a rencontres index under the project's own home page (any page may be its
parent by default), a rencontre published twice, then asks the public pages, the
calendar and the API through Django's test client, as a visitor would, and fails with
the first answer that is not a 200 holding the rencontre's content.
"""

import datetime as dt
import json
import sys
import zoneinfo

import django

django.setup()

from django.test import Client  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from rencontres.models import Departement, RencontreIndexPage, RencontrePage  # noqa: E402

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TITLE = "Atelier territorial Vallée du Gier"
FIRST = "Partager un diagnostic du quartier"
SECOND = "Recueillir les propositions des habitants"


def description(*items):
    return [
        (
            "pourquoi",
            {"heading": "Pourquoi ?", "introduction": "", "items": list(items)},
        )
    ]


def build():
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific  # wagtail start's home.HomePage
    index = RencontreIndexPage(title="Les rencontres locales", slug="rencontres")
    home.add_child(instance=index)
    index.save_revision().publish()
    start = dt.datetime(2031, 3, 12, 18, 0, tzinfo=PARIS)
    rencontre = RencontrePage(
        title=TITLE,
        slug="vallee-du-gier",
        departement=Departement.objects.get(code="42"),
        start=start,
        end=start + dt.timedelta(hours=3),
        format="presentiel",
        status="prevue",
        venue="Maison de quartier",
        address="12 rue de la République",
        postcode="42800",
        commune="Rive-de-Gier",
        description=description(FIRST),
    )
    index.add_child(instance=rencontre)
    rencontre.save_revision().publish()  # publication 1
    rencontre = RencontrePage.objects.get(pk=rencontre.pk)
    rencontre.description = description(FIRST, SECOND)
    rencontre.save_revision().publish()  # publication 2
    return home, index, RencontrePage.objects.get(pk=rencontre.pk)


def fetch(client, url, *expected, kind="html"):
    response = client.get(url)
    body = response.content.decode()
    if response.status_code != 200:
        sys.exit(f"FAIL {url}: HTTP {response.status_code}\n{body[:2000]}")
    if kind == "json":
        body = json.dumps(json.loads(body), ensure_ascii=False)
    for text in expected:
        if text not in body:
            sys.exit(f"FAIL {url}: 200 without {text!r}\n{body[:2000]}")
    print(f"  200 {url} ({len(response.content)} bytes)")


def main():
    home, index, rencontre = build()
    assert index.get_parent().specific_class is not Page, "index under the host's home page"
    client = Client()
    page = rencontre.url
    fetch(client, page, TITLE, FIRST, SECOND, "42 - Loire")
    fetch(client, index.url, TITLE)
    fetch(client, f"{page}changements/", TITLE, f"{page}changements/2/")
    fetch(client, f"{page}changements/2/", SECOND)
    fetch(client, f"{page}agenda.ics", "BEGIN:VCALENDAR", "Atelier territorial Vall")
    fetch(client, "/api/v2/rencontres/", TITLE, SECOND, kind="json")
    print(f"host project: index under {type(home).__module__}.{type(home).__name__}, all 200")


main()
