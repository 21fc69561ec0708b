"""Data and calls shared by the API tests (and, for them, the suite's clock and
publishing helpers: :mod:`tests.clock`, :mod:`tests.factories`)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.clock import in_days
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    OrganisationFactory,
    RencontrePageFactory,
    build_site,
    departement,
    make_private,
    publish,
)

__all__ = [
    "V2",
    "V3",
    "count_queries",
    "description",
    "full_rencontre",
    "in_days",
    "make_private",
    "organisations",
    "publish",
    "site",
]

V2 = "/api/v2/rencontres/"
V3 = "/api/v3/rencontres/"
# The page tree every test needs: ``(home, index)``.
site = build_site


def description(image, document):
    """A description with every kind of block: the three sections, text, image,
    document, quote and media."""
    return [
        (
            "pourquoi",
            {
                "heading": "Pourquoi ?",
                "introduction": "Nos objectifs :",
                "items": ["Partager un diagnostic", "Collecter des avis"],
            },
        ),
        (
            "pour_qui",
            {
                "heading": "Pour et avec qui ?",
                "introduction": "",
                "items": ["Habitants et associations d’habitants"],
            },
        ),
        (
            "comment",
            {"heading": "Comment ?", "introduction": "", "items": ["Atelier de 3h environ"]},
        ),
        ("texte", "<p>Un atelier <b>ouvert</b> à toutes et à tous.</p>"),
        ("image", {"image": image, "alt_text": "Des habitants autour d’une table", "caption": ""}),
        ("document", {"document": document, "title": "Programme (PDF)"}),
        (
            "citation",
            {"text": "Les habitants sont les premiers experts.", "author": "Une habitante"},
        ),
        ("media", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ]


def full_rencontre(
    index, n=0, *, organisers=(), departement_code="42", media=None, published=True, **fields
):
    """A live rencontre with an image, a description with an image block and a document
    block, and ``organisers`` (Organisations) in order.

    ``media``: ``(image, block image, document)`` to share (new ones by default);
    ``published``: publish a revision (log entry, last_published_at), which costs time.
    """
    image, block_image, document = media or (ImageFactory(), ImageFactory(), DocumentFactory())
    defaults = {
        "title": f"Atelier territorial n°{n}",
        "slug": f"atelier-territorial-{n}",
        "image": image,
        "description": description(block_image, document),
        "start": in_days(10 + n),
        "end": in_days(10 + n, hour=17),
        "departement": departement(departement_code) if departement_code else None,
    }
    defaults.update(fields)
    page = RencontrePageFactory(parent=index, organisers=list(organisers), **defaults)
    return publish(page) if published else page


def organisations(count=2):
    return [OrganisationFactory(name=f"Association n°{i}") for i in range(count)]


def count_queries(func):
    """``(result, number of SQL queries)`` of ``func()``."""
    with CaptureQueriesContext(connection) as queries:
        result = func()
    return result, len(queries)
