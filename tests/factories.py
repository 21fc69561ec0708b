"""Shared factories and builders for the test suite.

``build_site()`` gives the page tree every test needs (a home page at the default
site's root and a RencontreIndexPage under it); the factories then create
rencontres, organisations and their media with realistic French content.

The plugin's own tests run without the demo too (``tests.plugin_settings``): there
the home page is Wagtail's plain page that its migrations create, and the demo's
factories (``home.*`` models named by label) are not used.
"""

import datetime as dt
import zoneinfo
from io import StringIO

import factory
import wagtail_factories
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from dsfr.models import DsfrConfig
from wagtail.models import (
    Collection,
    Locale,
    Page,
    PageLogEntry,
    PageViewRestriction,
    Revision,
    Site,
)

from rencontres.history.recording import Publication, record_publications
from rencontres.models import (
    Departement,
    Organisation,
    RencontreIndexPage,
    RencontreOrganisation,
    RencontrePage,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def build_site(title="Construisons ensemble Quartiers 2030"):
    """Make a HomePage the default site's root and put a rencontres index under it.

    Idempotent within a test database: returns the existing pair when called again.
    Without the demo (``tests.plugin_settings``) the home page is the plain page that
    Wagtail's migrations made the default site's root.
    """
    if not apps.is_installed("home"):
        home = Site.objects.get(is_default_site=True).root_page
    else:
        home = _demo_home(title)
    index = RencontreIndexPage.objects.child_of(home).first()
    if index is None:
        index = RencontreIndexPage(title="Les rencontres locales", slug="rencontres")
        home.add_child(instance=index)
        index.save_revision().publish()
    return home, index


def _demo_home(title):
    HomePage = apps.get_model("home", "HomePage")  # noqa: N806
    locale = Locale.get_default()
    home = HomePage.objects.filter(locale=locale).first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=title, slug="accueil", locale=locale)
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True, root_page=home)
        site.root_page = home
        site.site_name = "Les rencontres locales"
        site.save()
    return home


def departement(code):
    return Departement.objects.get(code=code)


def local_datetime(*args, tz=PARIS):
    return dt.datetime(*args, tzinfo=tz)


def sections(pourquoi=None, pour_qui=None, comment=None):
    """A description StreamField value with the three named sections."""
    value = []
    for kind, heading, items in (
        ("pourquoi", "Pourquoi ?", pourquoi),
        ("pour_qui", "Pour et avec qui ?", pour_qui),
        ("comment", "Comment ?", comment),
    ):
        if items:
            value.append((kind, {"heading": heading, "introduction": "", "items": list(items)}))
    return value


class OrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Association des habitants n°{n}")
    url = factory.Sequence(lambda n: f"https://asso-{n}.example.org/")
    description = "Association d’habitants engagée dans la vie du quartier."
    locale = factory.LazyFunction(Locale.get_default)

    class Meta:
        model = Organisation


class RencontrePageFactory(wagtail_factories.PageFactory):
    """An upcoming présentiel rencontre in Saint-Étienne, published.

    Pass ``parent=index``; ``organisers=[org, …]`` to attach organisers in order.
    """

    title = factory.Sequence(lambda n: f"Atelier territorial n°{n}")
    departement = factory.LazyFunction(lambda: Departement.objects.get(code="42"))
    start = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=3))
    format = "presentiel"
    status = "prevue"
    venue = "Maison de quartier"
    address = "12 rue de la République"
    postcode = "42000"
    commune = "Saint-Étienne"
    description = factory.LazyFunction(
        lambda: sections(
            pourquoi=["Partager un diagnostic", "Collecter des avis"],
            pour_qui=["Habitants et associations d’habitants"],
            comment=["Atelier de 3h environ (pauses comprises)"],
        )
    )

    class Meta:
        model = RencontrePage

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for position, organisation in enumerate(extracted):
            RencontreOrganisation.objects.create(
                page=self, organisation=organisation, sort_order=position
            )


# Home app (the demo): site configuration and the demo's content; its page factories are
# in tests/home/factories.py (imported below when the demo is installed).


class DsfrConfigFactory(factory.django.DjangoModelFactory):
    """django-dsfr's site configuration of one language (one row per language)."""

    language = "fr"
    site_title = "Les rencontres locales"
    site_tagline = "Construisons ensemble Quartiers 2030"
    accessibility_status = "NOT"

    class Meta:
        model = DsfrConfig
        django_get_or_create = ("language",)


def make_site_root(page):
    """Make ``page`` the root of the default site (created if missing); returns the site."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = page
    site.save()
    return site


def load_demo():
    """Run ``manage.py load_demo`` as ``make run`` does; returns what it printed."""
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


# Rencontres: the admin's page form.


def superuser(username="redaction"):
    """A superuser for admin tests (log in with ``client.force_login``)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(
        username=username, email=f"{username}@example.org", password="mot-de-passe"
    )


def section_form_data(heading, items, introduction=""):
    """The admin form value of a section block (Pourquoi ?, Pour et avec qui ?, Comment ?)."""
    from wagtail.test.utils.form_data import streamfield

    return {
        "heading": heading,
        "introduction": introduction,
        "items": streamfield([("item", item) for item in items]),
    }


def rencontre_form_data(**fields):
    """POST data of the admin form of a rencontre, flattened with ``nested_form_data``.

    Defaults to a valid présentiel rencontre in Saint-Étienne (42) on 12 May 2030,
    14:00–17:00 local time, with the three sections and no organiser. Override any
    field; dates are typed as in the admin, ``"2030-05-12 14:00"``, in the
    département's local time; ``description``, ``report`` take ``streamfield([...])``
    and ``organisers`` ``inline_formset([...])`` values.
    """
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    data = {
        "title": "Atelier territorial Saint-Étienne Montreynaud",
        "slug": "atelier-territorial-saint-etienne-montreynaud",
        "departement": str(Departement.objects.get(code="42").pk),
        "description": streamfield(
            [
                ("pourquoi", section_form_data("Pourquoi ?", ["Partager un diagnostic"])),
                ("pour_qui", section_form_data("Pour et avec qui ?", ["Habitants"])),
                ("comment", section_form_data("Comment ?", ["Atelier de 3h environ"])),
            ]
        ),
        "organisers": inline_formset([]),
        "start": "2030-05-12 14:00",
        "end": "2030-05-12 17:00",
        "status": "prevue",
        "format": "presentiel",
        "venue": "Maison de quartier de Montreynaud",
        "address": "12 place de la Paix",
        "postcode": "42000",
        "commune": "Saint-Étienne",
        "latitude": "",
        "longitude": "",
        "access_notes": "",
        "online_url": "",
        "registration_mode": "none",
        "registration_url": "",
        "registration_email": "",
        "capacity": "",
        "registration_deadline": "",
        "report": streamfield([]),
        "attendance": "",
        "seo_title": "",
        "search_description": "",
        "image": "",
        "comments": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


# Media: images and documents in the root collection (wagtail_factories would create a
# new root collection for each one).


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Photo de l’atelier n°{n}")
    collection = factory.LazyFunction(lambda: Collection.get_first_root_node())


class DocumentFactory(wagtail_factories.DocumentFactory):
    title = factory.Sequence(lambda n: f"Programme de la rencontre n°{n}")
    collection = factory.LazyFunction(lambda: Collection.get_first_root_node())


# Publishing, as an editor does.


def publish(page, user=None, **changes):
    """Publish ``page`` as it stands, with ``changes`` set on it first, as a new revision
    by ``user`` (a log entry, ``last_published_at``…); returns the page as now stored.

    ``organisers=[organisation, …]`` replaces the organisers of a rencontre, in order.
    """
    organisers = changes.pop("organisers", None)
    for name, value in changes.items():
        setattr(page, name, value)
    if organisers is not None:
        page.organisers = [
            RencontreOrganisation(organisation=organisation, sort_order=position)
            for position, organisation in enumerate(organisers)
        ]
    # What runs once the publication is committed (pushing synchronised fields to the
    # translations) runs here too, inside a test's transaction that never commits.
    run_after_commit(lambda: page.save_revision(user=user).publish(user=user))
    page.refresh_from_db()
    return page


def run_after_commit(action):
    """Do ``action`` and run at once what it left for after the commit, taking it off the
    transaction's list so that an enclosing capture (``django_capture_on_commit_callbacks``)
    does not run it a second time. Outside a transaction Django runs it at once anyway."""
    connection = transaction.get_connection()
    start = len(connection.run_on_commit)
    action()
    while len(connection.run_on_commit) > start:
        pending = connection.run_on_commit[start:]
        del connection.run_on_commit[start:]
        for _savepoints, callback, _robust in pending:
            callback()


def publish_translation(page, locale, user=None, **values):
    """Copy ``page`` into ``locale`` (its parent translated first), set ``values`` on the
    copy and publish it; returns the copy."""
    return publish(page.copy_for_translation(locale).specific, user=user, **values)


def make_private(page):
    """Put ``page`` behind a password: the public site, feeds and API must not show it."""
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


def publish_in_bulk(page, contents):
    """Record ``contents`` — ``(content, published_at)`` pairs, oldest first — as
    published revisions of ``page``, written in bulk (a revision and a
    ``wagtail.publish`` log entry each), and return the page as the last one left it.

    For histories of hundreds of versions in tests and benchmarks, where
    ``save_revision().publish()`` per version would take minutes. The publication log
    gets the events that publishing each revision would have recorded, through the
    same code (``record_publications``: Wagtail's log entries written in bulk send no
    signal).
    """
    revisions = [
        Revision(
            content_type=page.content_type,
            base_content_type=page.get_base_content_type(),
            object_id=str(page.pk),
            object_str=page.title,
            content=content,
            created_at=published_at,
        )
        for content, published_at in contents
    ]
    Revision.objects.bulk_create(revisions)
    if revisions[0].pk is None:  # backends that do not return ids from bulk inserts
        revisions = list(
            Revision.objects.filter(object_id=str(page.pk)).order_by("-pk")[: len(revisions)]
        )[::-1]
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            content_type=page.content_type,
            label=page.title,
            action="wagtail.publish",
            timestamp=revision.created_at,
            page_id=page.pk,
            revision=revision,
            content_changed=True,
        )
        for revision in revisions
    )
    record_publications(
        [
            Publication(
                page=page,
                content=revision.content,
                revision_id=revision.pk,
                time=revision.created_at,
            )
            for revision in revisions
        ]
    )
    latest = revisions[-1]
    live = page.with_content_json(latest.content)
    live.live_revision = latest
    live.latest_revision = latest
    live.last_published_at = latest.created_at
    live.save(clean=False)
    return live


if apps.is_installed("home"):  # not under tests.plugin_settings
    from tests.home.factories import (  # noqa: E402, F401
        ContentPageFactory,
        HomePageFactory,
        SitemapPageFactory,
        build_footer_pages,
    )
