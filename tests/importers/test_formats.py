"""Online meetings from any era: without a meeting-type column (Decidim 0.27) the
format is inferred from the address, the venue and the links, and said in the report;
an online meeting without a link is imported, and its page, calendar and JSON-LD
say how to join."""

import json

import pytest
from django.urls import reverse
from icalendar import Calendar

from rencontres.importers.decidim import conference_link, infer_format
from rencontres.models import RencontrePage
from tests.factories import rencontre_form_data, superuser
from tests.rencontres.public import soup

from .test_import_command import page

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

COMMUNE_MISSING = "commune : Indiquez la commune d’une rencontre en présentiel ou hybride."


def test_a_0_27_export_gets_its_formats_inferred_and_reported(run_import):
    out = run_import("meetings_v027_online.csv")

    assert "créées : 5" in out and "ignorées : 1" in out
    assert "Format déduit (l’export ne donne pas le type de rencontre) : 5" in out
    assert (
        "ligne 2, « Webinaire de lancement des ateliers » (Decidim 211) : En ligne "
        "(pas d’adresse, lieu « En ligne »)"
    ) in out
    assert (
        "ligne 3, « Questions-réponses sur le contrat de ville » (Decidim 212) : En ligne "
        "(ni adresse ni lieu)"
    ) in out
    assert (
        "ligne 4, « Réunion publique retransmise » (Decidim 213) : Hybride "
        "(une adresse et un lien de connexion)"
    ) in out
    assert "(Decidim 216) : En ligne (pas d’adresse, lieu « Visioconférence (lien" in out
    assert "  1 rencontre en présentiel ; -v 2 pour la liste" in out
    # A venue that is no online hint, without an address: an in-person meeting that
    # lacks its commune, skipped with the reason.
    assert f"ligne 5 (Decidim 214) : {COMMUNE_MISSING}" in out

    webinar = page("211")
    assert (webinar.format, webinar.online_url) == ("en_ligne", "")
    assert (webinar.address, webinar.postcode, webinar.commune) == ("", "", "")
    assert page("212").format == "en_ligne"
    hybrid = page("213")
    assert hybrid.format == "hybride"
    assert hybrid.online_url == "https://meet.jit.si/quartiers2030-saint-etienne"
    assert (hybrid.postcode, hybrid.commune) == ("42000", "Saint-Étienne")
    assert page("215").format == "presentiel"
    assert page("216").format == "en_ligne"


def test_in_person_inferences_are_listed_with_verbosity_2(run_import):
    out = run_import("meetings_v027_online.csv", "-v", "2")

    assert (
        "ligne 6, « Atelier territorial Plaine Commune » (Decidim 215) : Présentiel (une adresse)"
    ) in out
    assert "-v 2 pour la liste" not in out


def test_a_meeting_type_column_is_followed_not_inferred(run_import):
    out = run_import("meetings_v028.csv")

    assert "Format déduit" not in out
    assert page("102").format == "en_ligne"


@pytest.mark.parametrize(
    ("address", "location", "hints", "url", "expected"),
    [
        ("1 rue X, 42000 Saint-Étienne", "", "", "https://visio.example.org/a", "hybride"),
        ("1 rue X, 42000 Saint-Étienne", "Mairie", "", "", "presentiel"),
        ("", "", "", "", "en_ligne"),
        ("", "Webinaire", "", "", "en_ligne"),
        ("", "À distance", "", "", "en_ligne"),
        ("", "Salle B", "Rejoindre sur Zoom", "", "en_ligne"),
        ("", "Salle B", "", "", "presentiel"),
        ("", "", '<a href="https://zoom.us/j/123?pwd=a&amp;b=1">Zoom</a>', "", "en_ligne"),
    ],
)
def test_inference_rules(address, location, hints, url, expected):
    assert infer_format(address, location, hints, url).format == expected


def test_only_video_conference_links_count():
    assert conference_link("Plan : https://www.openstreetmap.org/#map=17/45.4/4.5") == ""
    assert conference_link("<p>Lien : https://zoom.us/j/123?pwd=a&amp;b=1.</p>") == (
        "https://zoom.us/j/123?pwd=a&b=1"
    )
    assert conference_link("https://webconf.numerique.gouv.fr/abc") == (
        "https://webconf.numerique.gouv.fr/abc"
    )
    assert conference_link("https://teams.microsoft.com/l/meetup-join/x") != ""


def test_the_page_of_an_online_meeting_without_link_says_how_to_join(run_import, client):
    run_import("meetings_v027_online.csv")
    webinar = page("211")

    response = client.get(webinar.url)

    assert response.status_code == 200
    assert "Le lien de connexion sera communiqué aux inscrits." in soup(response).get_text()
    assert soup(response).select(".rencontre-lien-en-ligne") == []

    data = json.loads(soup(response).find("script", type="application/ld+json").string)
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": data["url"]}
    assert data["url"].endswith(webinar.url)

    calendar = Calendar.from_ical(client.get(f"{webinar.url}agenda.ics").content)
    event = next(iter(calendar.walk("VEVENT")))
    assert "CONFERENCE" not in event
    assert "LOCATION" not in event
    assert "Le lien de connexion sera communiqué aux inscrits." in str(event["DESCRIPTION"])


def test_an_online_rencontre_typed_in_the_admin_without_link_is_published_the_same(site, client):
    """The same rule in the admin: « en ligne » without a link saves and publishes, and
    its page, calendar and JSON-LD say how to join, like an imported one."""
    client.force_login(superuser())
    url = reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", site.pk])
    data = rencontre_form_data(
        format="en_ligne", online_url="", address="", postcode="", commune="",
        slug="webinaire-sans-lien", title="Webinaire sans lien",
    )  # fmt: skip
    response = client.post(url, {**data, "action-publish": "action-publish"})
    assert response.status_code == 302
    created = RencontrePage.objects.get(slug="webinaire-sans-lien")
    assert created.live and (created.format, created.online_url) == ("en_ligne", "")

    response = client.get(created.url)
    assert "Le lien de connexion sera communiqué aux inscrits." in soup(response).get_text()
    data = json.loads(soup(response).find("script", type="application/ld+json").string)
    assert data["location"] == {"@type": "VirtualLocation", "url": data["url"]}
    event = next(
        iter(Calendar.from_ical(client.get(f"{created.url}agenda.ics").content).walk("VEVENT"))
    )
    assert "CONFERENCE" not in event
    assert "Le lien de connexion sera communiqué aux inscrits." in str(event["DESCRIPTION"])
