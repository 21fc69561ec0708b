"""Helpers of the public-site tests: published rencontres, media, and what a visitor sees."""

import datetime as dt
import re

import wagtail_factories
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import Collection, PageViewRestriction

from tests.factories import (
    PARIS,
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    departement,
)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    """The visible text of an element, whitespace collapsed."""
    return " ".join(element.get_text(" ").split())


def inline_text(element):
    """The text as a browser runs it together (no space added between inline elements)."""
    return " ".join(element.get_text().split())


def card_titles(response):
    """The titles of the rencontre cards of a listing, in order."""
    return [text(h) for h in soup(response).select(".rencontre-list .fr-card__title")]


def count_text(response):
    return text(soup(response).find(id="rencontres-total"))


def in_minutes(minutes):
    return timezone.now() + dt.timedelta(minutes=minutes)


def in_days(days, hour=None, tz=PARIS):
    """``days`` from now; at ``hour`` o'clock in ``tz`` (Paris time) if given."""
    value = timezone.localtime(timezone.now() + dt.timedelta(days=days), tz)
    if hour is not None:
        value = value.replace(hour=hour, minute=0, second=0, microsecond=0)
    return value


def publish(page):
    """Publish the page's current state as a revision (log entry, first_published_at)."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def rencontre(index, *, departement_code="42", organisers=(), revision=True, **fields):
    """A published rencontre under ``index`` (one revision, published once).

    ``revision=False`` only creates the live page (faster; no revision, no log entry).
    """
    if departement_code is not None:
        fields["departement"] = departement(departement_code)
    else:
        fields["departement"] = None
    page = RencontrePageFactory(parent=index, organisers=list(organisers), **fields)
    return publish(page) if revision else page


def online_rencontre(index, *, online_url="https://visio.example.org/etape", **fields):
    """A published online rencontre « Point d’étape en ligne »: no place at all."""
    fields.setdefault("title", "Point d’étape en ligne")
    fields.setdefault("departement_code", None)
    place = {"venue": "", "address": "", "postcode": "", "commune": ""}
    return rencontre(index, format="en_ligne", online_url=online_url, **place, **fields)


def image(title="Atelier"):
    return wagtail_factories.ImageFactory(title=title, collection=Collection.get_first_root_node())


def document(title="Programme de la rencontre"):
    return wagtail_factories.DocumentFactory(
        title=title, collection=Collection.get_first_root_node()
    )


def rich_rencontre(index, n, *, organisations, **fields):
    """A rencontre with an image, a document block and two organisers (query counts)."""
    doc = document(f"Programme n°{n}")
    description = [
        ("pourquoi", {"heading": "Pourquoi ?", "introduction": "", "items": ["Partager"]}),
        ("document", {"document": doc, "title": ""}),
        ("texte", "<p>Un atelier ouvert à toutes et à tous.</p>"),
    ]
    return rencontre(
        index,
        title=f"Atelier territorial n°{n}",
        image=image(f"Photo n°{n}"),
        description=description,
        organisers=organisations,
        start=in_days(1 + n, hour=14),
        **fields,
    )


def make_private(page):
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


def site():
    """``(home, index)``: see :func:`tests.factories.build_site`."""
    return build_site()


def organisation(name, **fields):
    return OrganisationFactory(name=name, **fields)


def normalise_space(value):
    return re.sub(r"\s+", " ", value).strip()
