"""Shared factories and builders for the test suite.

``build_site()`` gives the page tree every test needs (a HomePage at the default
site's root and a RencontreIndexPage under it); the factories then create
rencontres, organisations and their media with realistic French content.
"""

import datetime as dt
import zoneinfo

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from home.models import HomePage
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
    """
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
    index = RencontreIndexPage.objects.child_of(home).first()
    if index is None:
        index = RencontreIndexPage(title="Les rencontres locales", slug="rencontres")
        home.add_child(instance=index)
        index.save_revision().publish()
    return home, index


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
