"""Long content saves through the admin: a description of 500 section items in 50 blocks
is far beyond Django's default of 1,000 form fields; the site raises the limit, and what
still exceeds a limit gets a French page (413), never a bare 400."""

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text, streamfield

from rencontres.models import RencontrePage
from tests.factories import build_site, rencontre_form_data, section_form_data, superuser

#: One section of each kind (at most one each), 500 items between them.
SECTION_ITEMS = {"pourquoi": 170, "pour_qui": 165, "comment": 165}
TEXT_BLOCKS = 47


def long_description():
    """50 blocks: the three sections with 500 items between them, 47 paragraphs."""
    blocks = [
        (
            kind,
            section_form_data(
                kind, [f"Point {i + 1} : un élément du diagnostic" for i in range(count)]
            ),
        )
        for kind, count in SECTION_ITEMS.items()
    ]
    blocks += [("texte", rich_text(f"<p>Paragraphe {n + 1}.</p>")) for n in range(TEXT_BLOCKS)]
    return streamfield(blocks)


@pytest.fixture
def index(db):
    return build_site()[1]


@pytest.fixture
def editor(client, db):
    client.force_login(superuser())


def add_url(index):
    return reverse("wagtailadmin_pages:add", args=["rencontres", "rencontrepage", index.pk])


def test_a_description_of_500_items_in_50_blocks_saves_and_saves_again(client, editor, index):
    data = rencontre_form_data(description=long_description())
    assert len(data) > 2000  # twice Django's default limit
    response = client.post(add_url(index), {**data, "action-publish": "1"})
    assert response.status_code == 302, field_errors_text(response)

    page = RencontrePage.objects.get()
    assert page.live
    sections = [block for block in page.description if block.block_type != "texte"]
    assert len(page.description) == 50
    assert sum(len(block.value["items"]) for block in sections) == 500

    # The editor opens it again and saves a change: same size, same outcome.
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert client.get(edit_url).status_code == 200
    data = rencontre_form_data(
        slug=page.slug, title="Atelier au long cours", description=long_description()
    )
    response = client.post(edit_url, {**data, "action-publish": "1"})
    assert response.status_code == 302, field_errors_text(response)
    page.refresh_from_db()
    assert page.title == "Atelier au long cours"
    assert client.get(page.url).status_code == 200


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=200)
def test_beyond_the_field_limit_the_editor_reads_why_in_french(client, editor, index):
    response = client.post(
        add_url(index),
        rencontre_form_data(description=long_description()),
        HTTP_REFERER=f"http://testserver{add_url(index)}",
    )
    assert response.status_code == 413
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Formulaire trop volumineux"
    text = " ".join(soup.get_text(" ", strip=True).split())
    assert (
        "Le formulaire envoyé contient plus de 200 champs, la limite du serveur. "
        "Rien n’a été enregistré."
    ) in text
    assert "Votre navigateur a gardé ce que vous avez saisi" in text
    assert soup.find("a", string="Revenir au formulaire")["href"].endswith(add_url(index))
    assert not RencontrePage.objects.exists()

    # The admin's scripts (preview, autosave) get the message as JSON.
    response = client.post(
        add_url(index),
        rencontre_form_data(description=long_description()),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 413
    assert "plus de 200 champs" in response.json()["error"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_beyond_the_size_limit_too(client, editor, index):
    data = rencontre_form_data(access_notes="Accès par le tram T1. " * 1000)
    response = client.post(add_url(index), data)
    assert response.status_code == 413
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "dépasse la taille acceptée par le serveur" in text
    assert not RencontrePage.objects.exists()


def field_errors_text(response):
    if response.status_code != 200:
        return response.status_code
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        " ".join(e.get_text(" ", strip=True).split())
        for e in soup.select(".error-message, .help-critical, .messages, [data-w-messages-target]")
    ]
