"""Helpers of the public-site tests: published rencontres, media, and what a visitor sees.

The suite's shared helpers are imported from here too, for the public-site tests: HTML
(:mod:`tests.html`), the clock (:mod:`tests.clock`), publishing (:mod:`tests.factories`).
"""

import datetime as dt

from tests.clock import in_days, in_minutes
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    departement,
    local_datetime,
    make_private,
    publish,
)
from tests.html import inline_text, soup, text

__all__ = [
    "card_titles",
    "count_text",
    "document",
    "gier_rencontre",
    "image",
    "in_days",
    "in_minutes",
    "inline_text",
    "make_private",
    "online_rencontre",
    "organisation",
    "publish",
    "rencontre",
    "rich_rencontre",
    "site",
    "soup",
    "text",
]

# The page tree every test needs: ``(home, index)``.
site = build_site


def card_titles(response):
    """The titles of the rencontre cards of a listing, in order."""
    return [text(h) for h in soup(response).select(".rencontre-list .fr-card__title")]


def count_text(response):
    return text(soup(response).find(id="rencontres-total"))


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


def gier_rencontre(index, **fields):
    """The seed's « Atelier territorial Vallée du Gier », published: Salle Jean Jaurès,
    3 rue Jean Jaurès, 42800 Rive-de-Gier (Loire), on Tuesday 12 March 2030 from 14:00 to
    17:00 Paris time. Override any field (``start`` alone: it lasts three hours)."""
    fields = {
        "title": "Atelier territorial Vallée du Gier",
        "venue": "Salle Jean Jaurès",
        "address": "3 rue Jean Jaurès",
        "postcode": "42800",
        "commune": "Rive-de-Gier",
        "latitude": "45.528000",
        "longitude": "4.618000",
        **fields,
    }
    fields.setdefault("start", local_datetime(2030, 3, 12, 14, 0))
    fields.setdefault("end", fields["start"] + dt.timedelta(hours=3))
    return rencontre(index, **fields)


def online_rencontre(index, *, online_url="https://visio.example.org/etape", **fields):
    """A published online rencontre « Point d’étape en ligne »: no place at all."""
    fields.setdefault("title", "Point d’étape en ligne")
    fields.setdefault("departement_code", None)
    place = {"venue": "", "address": "", "postcode": "", "commune": ""}
    return rencontre(index, format="en_ligne", online_url=online_url, **place, **fields)


def image(title="Atelier"):
    return ImageFactory(title=title)


def document(title="Programme de la rencontre"):
    return DocumentFactory(title=title)


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


def organisation(name, **fields):
    return OrganisationFactory(name=name, **fields)
