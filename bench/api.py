"""Benchmark: the rencontres API against Wagtail's default v2 pages viewset, same data.

Prints requests per second (and SQL queries per request) for

- v2 list    ``/api/v2/rencontres/?limit=20`` (every field),
- v2 detail  ``/api/v2/rencontres/<id>/``,
- v3 list    ``/api/v3/rencontres/?limit=20`` (every field),
- Wagtail's default ``PagesAPIViewSet`` (mounted for the run) listing the same 20
  rencontres with every field (``?type=rencontres.RencontrePage&fields=*``) and with
  its default fields only,

through Django's test client (middleware included), after a warm-up.

    DJANGO_SETTINGS_MODULE=rencontres_site.settings.dev .venv/bin/python bench/api.py
    make bench                                       # every bench/*.py, on PostgreSQL

It leaves nothing behind: in a migrated database it writes in one transaction that it
rolls back; otherwise, or with ``BENCH_OWN_DATABASE=1``, it creates a database of its
own, migrates it and destroys it. ``BENCH_RENCONTRES`` (default 60) and
``BENCH_REQUESTS`` (default 40) change the sizes; with ``BENCH_RESULTS_DIR`` set the
figures are also written there as ``api.json``.
"""

import datetime as dt
import importlib
import io
import os
import sys
import time
import types
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # bench/, when run by runpy
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure, run_benchmark, setup_django, write_results  # noqa: E402

setup_django("rencontres_site.settings.dev")

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.images import ImageFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402

RENCONTRES = int(os.environ.get("BENCH_RENCONTRES", "60"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
MEDIA_SETS = 10


# -- data ------------------------------------------------------------------------------


def _png():
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (0, 99, 203)).save(buffer, "PNG")
    return buffer.getvalue()


def _index():
    """The first rencontres index, or a home page and an index of our own."""
    from wagtail.models import Page, Site

    from home.models import HomePage
    from rencontres.models import RencontreIndexPage

    index = RencontreIndexPage.objects.order_by("path").first()
    if index is not None:
        return index
    home = HomePage.objects.first()
    if home is None:
        home = Page.get_first_root_node().add_child(
            instance=HomePage(title="Bench", slug="bench-accueil")
        )
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
        )
    return home.add_child(instance=RencontreIndexPage(title="Rencontres", slug="bench-rencontres"))


def build_data():
    """``RENCONTRES`` live rencontres, each with an image, a description with the three
    sections, a text, an image block and a document block, and two organisers."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    from rencontres.models import Departement, Organisation, RencontreOrganisation, RencontrePage

    collection = Collection.get_first_root_node()
    png = _png()
    media = []
    for n in range(MEDIA_SETS):
        images = [
            get_image_model().objects.create(
                title=f"Photo {n}.{k}",
                file=ImageFile(ContentFile(png, name=f"bench-{n}-{k}.png")),
                collection=collection,
            )
            for k in range(2)
        ]
        document = get_document_model().objects.create(
            title=f"Programme {n}",
            file=ContentFile(b"%PDF-1.4 bench", name=f"bench-{n}.pdf"),
            collection=collection,
        )
        media.append((*images, document))
    organisations = [
        Organisation.objects.create(name=f"Association {n}", url=f"https://asso-{n}.example.org/")
        for n in range(5)
    ]
    departements = list(Departement.objects.filter(code__in=["42", "69", "75", "971", "988"]))
    index = _index()
    start = timezone.now() + dt.timedelta(days=3)
    pages = []
    for n in range(RENCONTRES):
        image, block_image, document = media[n % MEDIA_SETS]
        page = RencontrePage(
            title=f"Atelier territorial de banc d’essai n°{n}",
            slug=f"bench-atelier-{n}-{int(time.time())}",
            departement=departements[n % len(departements)],
            image=image,
            start=start + dt.timedelta(days=n),
            end=start + dt.timedelta(days=n, hours=3),
            venue="Maison de quartier",
            address="12 rue de la République",
            postcode="42000",
            commune="Saint-Étienne",
            description=[
                ("pourquoi", {"heading": "Pourquoi ?", "items": ["Partager", "Collecter"]}),
                ("pour_qui", {"heading": "Pour et avec qui ?", "items": ["Habitants"]}),
                ("comment", {"heading": "Comment ?", "items": ["Atelier de 3h"]}),
                ("texte", "<p>Un atelier <b>ouvert</b> à toutes et à tous.</p>"),
                ("image", {"image": block_image, "alt_text": "Atelier", "caption": ""}),
                ("document", {"document": document, "title": "Programme"}),
            ],
        )
        index.add_child(instance=page)
        for position in range(2):
            RencontreOrganisation.objects.create(
                page=page, organisation=organisations[(n + position) % 5], sort_order=position
            )
        pages.append(page)
    return pages


# -- the default viewset, mounted for the run -------------------------------------------------


def urlconf_with_default_viewset():
    """The site's URLs plus Wagtail's default pages viewset at /bench-default/api/v2/."""
    from wagtail.api.v2.router import WagtailAPIRouter
    from wagtail.api.v2.views import PagesAPIViewSet

    router = WagtailAPIRouter("bench_default_api")
    router.register_endpoint("pages", PagesAPIViewSet)
    site_urls = importlib.import_module(settings.ROOT_URLCONF)
    module = types.ModuleType("bench_api_urls")
    module.urlpatterns = [path("bench-default/api/v2/", router.urls), *site_urls.urlpatterns]
    return module


# -- measures --------------------------------------------------------------------------


def timed(client, url):
    """``measure`` (three warm-ups) as requests per second, ms per request, queries."""
    result = measure(client, url, REQUESTS, warmup=3)
    elapsed = sum(result.timings)
    return {
        "url": url,
        "requests_per_second": round(REQUESTS / elapsed, 1),
        "ms_per_request": round(1000 * elapsed / REQUESTS, 1),
        "queries": result.queries,
        "bytes": len(result.response.content),
    }


def run():
    pages = build_data()
    detail = pages[len(pages) // 2].pk
    cases = {
        "v2 list (rencontres, 20, every field)": "/api/v2/rencontres/?limit=20",
        "v2 detail (rencontres)": f"/api/v2/rencontres/{detail}/",
        "v3 list (rencontres, 20, every field)": "/api/v3/rencontres/?limit=20",
        "Wagtail default v2 pages, 20 rencontres, every field": (
            "/bench-default/api/v2/pages/?type=rencontres.RencontrePage&fields=*&limit=20"
        ),
        "Wagtail default v2 pages, 20 rencontres, default fields": (
            "/bench-default/api/v2/pages/?type=rencontres.RencontrePage&limit=20"
        ),
    }
    client = Client(HTTP_HOST="localhost")
    results = {}
    with override_settings(ROOT_URLCONF=urlconf_with_default_viewset(), ALLOWED_HOSTS=["*"]):
        clear_url_caches()
        try:
            for name, url in cases.items():
                results[name] = timed(client, url)
        finally:
            clear_url_caches()
    print(
        f"api: {RENCONTRES} rencontres (+ those already in the database), "
        f"{REQUESTS} requests each, {connection.vendor}"
    )
    print(f"  {'':58} {'req/s':>8} {'ms/req':>8} {'queries':>8}")
    for name, result in results.items():
        print(
            f"  {name:58} {result['requests_per_second']:8.1f} "
            f"{result['ms_per_request']:8.1f} {result['queries']:8d}"
        )
    write_results("api", results)


def main():
    # Files written by the benchmark must not outlive it either.
    storages = {**settings.STORAGES}
    storages["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    with override_settings(STORAGES=storages):
        run_benchmark("api", run)


if __name__ == "__main__":
    main()
