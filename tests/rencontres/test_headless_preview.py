"""Headless preview (rencontres.preview, rencontres.admin.preview, the API's preview
endpoint): the « Site partenaire » mode beside Wagtail's own preview, its short-lived
token bound to the page and revision, and the draft in the shape of the API's rencontre —
to a valid token only."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from rencontres import preview
from rencontres.models import RencontrePage
from tests.factories import (
    RencontrePageFactory,
    build_site,
    publish,
    rencontre_form_data,
    superuser,
)

FRONT = "https://front.partenaire.example/apercu"
PREVIEW = "/api/v2/rencontres/preview/"


@pytest.fixture
def frontend(settings):
    settings.RENCONTRES_PREVIEW_FRONTEND_URLS = {
        "*": {"fr": FRONT, "en": "https://front.partenaire.example/en/preview"}
    }
    settings.RENCONTRES_PREVIEW_TOKEN_MAX_AGE = 600


@pytest.fixture
def draft(db, frontend):
    """A published rencontre with a newer draft (saved as a revision, not published)."""
    _home, index = build_site()
    page = publish(RencontrePageFactory(parent=index, title="Atelier publié", live=False))
    page = RencontrePage.objects.get(pk=page.pk)
    page.title = "Atelier — brouillon"
    page.save_revision()
    return RencontrePage.objects.get(pk=page.pk)


def headless_link(page):
    """What the editor gets in the preview panel's « Site partenaire » mode."""
    response = page.make_preview_request(preview_mode=preview.MODE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = BeautifulSoup(response.content, "html.parser").find(id="headless-preview-link")
    return link["href"] if link else None


def token_of(url):
    return parse_qs(urlsplit(url).query)["token"][0]


def get_preview(client, token, header=True):
    if header:
        return client.get(PREVIEW, HTTP_RENCONTRES_PREVIEW_TOKEN=token)
    return client.get(PREVIEW, {"token": token})


# -- the mode in the admin --------------------------------------------------------------


def test_the_mode_is_offered_beside_wagtails_own(draft, client):
    assert [(name, str(label)) for name, label in draft.preview_modes][1:] == [
        ("headless", "Site partenaire (headless)")
    ]
    assert draft.preview_modes[0][0] == "", "Wagtail's own mode comes first"
    client.force_login(superuser())
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).content.decode()
    assert "Site partenaire (headless)" in edit


def test_no_front_end_configured_no_mode(draft, settings):
    settings.RENCONTRES_PREVIEW_FRONTEND_URLS = {}
    assert [name for name, _label in draft.preview_modes] == [""]


def test_wagtails_own_preview_keeps_working(draft):
    response = draft.get_latest_revision_as_object().make_preview_request(preview_mode="")
    assert response.status_code == 200
    assert "Atelier — brouillon" in response.content.decode()


def test_the_link_opens_the_front_end_of_the_pages_language_with_a_token(draft):
    url = headless_link(draft)
    assert url.startswith(FRONT + "?")
    assert parse_qs(urlsplit(url).query)["id"] == [str(draft.pk)]
    assert preview.read_token(token_of(url)) == (draft.pk, draft.latest_revision_id)


# -- the preview endpoint ---------------------------------------------------------------


def test_a_valid_token_reads_the_draft_in_the_apis_shape(draft, client):
    token = token_of(headless_link(draft))

    response = get_preview(client, token)

    assert response.status_code == 200
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {
        "private",
        "no-store",
    }
    assert "ETag" not in response
    body = response.json()
    assert body["title"] == "Atelier — brouillon"
    assert body["id"] == draft.pk
    public = client.get(f"/api/v2/rencontres/{draft.pk}/").json()
    assert public["title"] == "Atelier publié", "the public API still shows the published one"
    assert set(body) == set(public)
    assert set(body["meta"]) == set(public["meta"])
    assert body["description"] == public["description"]
    # The query string works too.
    assert get_preview(client, token, header=False).json()["title"] == "Atelier — brouillon"


def test_a_never_published_draft_is_only_reachable_with_a_token(db, frontend, client):
    _home, index = build_site()
    page = RencontrePageFactory(parent=index, title="Rencontre secrète", live=False)
    page.save_revision()
    page = RencontrePage.objects.get(pk=page.pk)

    assert client.get(f"/api/v2/rencontres/{page.pk}/").status_code == 404
    listing = client.get("/api/v2/rencontres/").content.decode()
    changes = client.get("/api/v2/rencontres/changes/").content.decode()
    missing = client.get(PREVIEW)
    for content in (listing, changes, missing.content.decode()):
        assert "Rencontre secrète" not in content
    assert missing.status_code == 401

    token = token_of(headless_link(page))
    assert get_preview(client, token).json()["title"] == "Rencontre secrète"
    for content in (listing, changes):
        assert token not in content


def test_an_expired_token_gets_401_and_nothing(draft, client, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    token = token_of(headless_link(draft))
    assert get_preview(client, token).status_code == 200

    time_machine.move_to(start + dt.timedelta(seconds=601), tick=False)
    response = get_preview(client, token)

    assert response.status_code == 401
    assert "expiré" in response.json()["message"]
    assert "brouillon" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
        lambda token: signing.dumps({"p": 1, "r": 1}, key="une-autre-clef", salt=preview.SALT),
        lambda token: signing.dumps({"p": 1, "r": 1}, salt="autre-usage"),
        lambda token: "n’importe quoi",
    ],
    ids=["altered", "other key", "other salt", "garbage"],
)
def test_a_forged_token_gets_403_and_nothing(draft, client, forge):
    token = forge(token_of(headless_link(draft)))

    response = get_preview(client, token)

    assert response.status_code == 403
    assert "brouillon" not in response.content.decode()


def test_a_token_of_another_revision_of_the_page_is_refused(draft, client):
    other = RencontrePageFactory(parent=draft.get_parent(), title="Autre", live=False)
    other.save_revision()
    token = preview.make_token(draft.pk, RencontrePage.objects.get(pk=other.pk).latest_revision_id)
    assert get_preview(client, token).status_code == 403


def test_a_token_replayed_after_publication_gets_403(draft, client):
    token = token_of(headless_link(draft))
    assert get_preview(client, token).status_code == 200

    draft.get_latest_revision().publish()
    response = get_preview(client, token)

    assert response.status_code == 403
    assert "publiée" in response.json()["message"]
    assert "Atelier — brouillon" not in response.content.decode()


def test_through_the_admins_preview_panel(draft, client):
    """The editor's « Aperçu »: Wagtail's own mode renders the form as typed; « Site
    partenaire » gives the link whose token opens the page's latest revision."""
    client.force_login(superuser())
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[draft.pk])
    form = rencontre_form_data(title="Atelier tel que saisi", slug=draft.slug)
    assert client.post(url, form).json()["is_valid"] is True

    own = client.get(url, {"mode": ""})
    assert own.status_code == 200
    assert "Atelier tel que saisi" in own.content.decode()

    headless = client.get(url, {"mode": preview.MODE})
    assert headless.status_code == 200
    link = BeautifulSoup(headless.content, "html.parser").find(id="headless-preview-link")
    token = token_of(link["href"])
    assert preview.read_token(token) == (draft.pk, draft.latest_revision_id)
    assert get_preview(client, token).json()["title"] == "Atelier — brouillon"
