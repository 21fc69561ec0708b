"""Demo rencontres: the seed's « Atelier territorial Vallée du Gier » with its two
published versions, and a dozen others across France.

Idempotent: pages and organisations are looked up by slug or name and never
overwritten, so a second run adds nothing and keeps what editors changed.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale

from rencontres.models import (
    Departement,
    Organisation,
    RencontreIndexPage,
    RencontreOrganisation,
    RencontrePage,
)
from rencontres.models.geography import PARIS_TIME, zone_of

from . import seed

INDEX_SLUG = "rencontres"

ORGANISATIONS = [
    seed.ORGANISER,
    {
        "name": "Agence nationale de la cohésion des territoires",
        "url": "https://agence-cohesion-territoires.gouv.fr/",
        "description": "Établissement public qui accompagne les collectivités dans leurs projets.",
    },
    {
        "name": "Centre social Les Trois Quartiers",
        "url": "",
        "description": "Association d’éducation populaire ouverte à tous les habitants.",
    },
    {
        "name": "Collectif Pouvoir d’agir",
        "url": "",
        "description": "Réseau d’habitants et d’associations engagés pour la participation.",
    },
]


def _local(year, month, day, hour, minute, tz):
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def _section(kind, heading, items, introduction=""):
    return (kind, {"heading": heading, "introduction": introduction, "items": items})


def _others(today, departements):
    """A dozen rencontres: (slug, title, département code, fields), upcoming ones after
    `today`, each at a wall-clock hour of its département's time zone."""

    def soon(days, hour, duration=3):
        """(day, hour, duration): the wall-clock time in the rencontre's own zone."""
        return today + dt.timedelta(days=days), hour, duration

    def objectives(*items):
        return _section("pourquoi", "Pourquoi ?", list(items))

    def audiences(*items):
        return _section("pour_qui", "Pour et avec qui ?", list(items))

    def methods(*items):
        return _section("comment", "Comment ?", list(items))

    common_audiences = audiences(
        "Habitants et associations d’habitants",
        "Conseils citoyens",
        "Agents des collectivités et des services de l’État",
    )
    rows = [
        (
            "Atelier territorial Nord Est de Paris",
            "75",
            soon(12, 18),
            {
                "format": "presentiel",
                "venue": "Maison des associations du 19e",
                "address": "20 rue Édouard Pailleron",
                "postcode": "75019",
                "commune": "Paris",
                "latitude": Decimal("48.880500"),
                "longitude": Decimal("2.377600"),
                "registration_mode": "link",
                "registration_url": "https://www.example.org/inscription/paris-nord-est",
                "capacity": 80,
            },
            [
                "Faire remonter les priorités des habitants des quartiers du Nord Est parisien",
                "Préparer les Assises de la politique de la ville",
            ],
        ),
        (
            "Atelier territorial Métropole lilloise",
            "59",
            soon(20, 14),
            {
                "format": "hybride",
                "venue": "Gare Saint-Sauveur",
                "address": "17 boulevard Jean-Baptiste Lebas",
                "postcode": "59000",
                "commune": "Lille",
                "latitude": Decimal("50.629900"),
                "longitude": Decimal("3.069200"),
                "online_url": "https://visio.example.org/lille-2030",
                "registration_mode": "email",
                "registration_email": "rencontres-lille@example.org",
            },
            [
                "Croiser les regards sur l’emploi et la formation dans les quartiers",
                "Recueillir des propositions pour le contrat de ville",
            ],
        ),
        (
            "Rencontre en ligne : jeunesse et quartiers",
            None,
            soon(27, 18, duration=2),
            {"format": "en_ligne", "online_url": "https://visio.example.org/jeunesse-2030"},
            [
                "Donner la parole aux jeunes des quartiers prioritaires",
                "Identifier les freins à l’accès aux loisirs et au sport",
            ],
        ),
        (
            "Atelier territorial Marseille Nord",
            "13",
            soon(34, 9, duration=4),
            {
                "format": "presentiel",
                "venue": "Cité des associations",
                "address": "93 La Canebière",
                "postcode": "13001",
                "commune": "Marseille",
                "latitude": Decimal("43.299400"),
                "longitude": Decimal("5.383500"),
                "status": "complete",
                "registration_mode": "link",
                "registration_url": "https://www.example.org/inscription/marseille",
                "capacity": 60,
            },
            [
                "Partager le diagnostic des quartiers Nord",
                "Mobiliser les acteurs de la rénovation urbaine",
            ],
        ),
        (
            "Atelier territorial Pointe-à-Pitre",
            "971",
            soon(40, 9),
            {
                "format": "presentiel",
                "venue": "Centre des arts et de la culture",
                "address": "Place Gourbeyre",
                "postcode": "97110",
                "commune": "Pointe-à-Pitre",
                "latitude": Decimal("16.239500"),
                "longitude": Decimal("-61.535600"),
            },
            [
                "Adapter le futur contrat de ville aux réalités ultramarines",
                "Associer les habitants des quartiers de la ville",
            ],
        ),
        (
            "Atelier territorial Nouméa",
            "988",
            soon(45, 18),
            {
                "format": "hybride",
                "venue": "Maison du citoyen",
                "address": "9 rue de la République",
                "postcode": "98800",
                "commune": "Nouméa",
                "latitude": Decimal("-22.274100"),
                "longitude": Decimal("166.442000"),
                "online_url": "https://visio.example.org/noumea",
            },
            ["Échanger sur les quartiers populaires du Grand Nouméa"],
        ),
        (
            "Atelier territorial Rennes Maurepas",
            "35",
            soon(15, 14),
            {
                "format": "presentiel",
                "venue": "Pôle associatif de la Marbaudais",
                "address": "32 rue de la Marbaudais",
                "postcode": "35700",
                "commune": "Rennes",
                "latitude": Decimal("48.129600"),
                "longitude": Decimal("-1.643400"),
                "status": "reportee",
            },
            [
                "Revisiter les actions du contrat de ville en cours",
                "Imaginer les quartiers de 2030 avec leurs habitants",
            ],
        ),
        (
            "Atelier territorial Strasbourg Neuhof",
            "67",
            soon(22, 17),
            {
                "format": "presentiel",
                "venue": "Centre socioculturel du Neuhof",
                "address": "1 place de Hautefort",
                "postcode": "67100",
                "commune": "Strasbourg",
                "latitude": Decimal("48.552700"),
                "longitude": Decimal("7.775300"),
                "status": "annulee",
            },
            ["Faire le bilan des projets menés dans le quartier"],
        ),
        (
            "Atelier territorial Toulouse Mirail",
            "31",
            soon(-30, 14),
            {
                "format": "presentiel",
                "venue": "Espace Bellegarde",
                "address": "17 rue Bellegarde",
                "postcode": "31000",
                "commune": "Toulouse",
                "latitude": Decimal("43.607700"),
                "longitude": Decimal("1.445300"),
                "attendance": 47,
            },
            ["Partager les éléments de diagnostic", "Recueillir des préconisations"],
        ),
        (
            "Atelier territorial Bordeaux Rive droite",
            "33",
            soon(-60, 9, duration=3),
            {
                "format": "hybride",
                "venue": "Le Rocher de Palmer",
                "address": "1 rue Aristide Briand",
                "postcode": "33150",
                "commune": "Cenon",
                "latitude": Decimal("44.855700"),
                "longitude": Decimal("-0.534500"),
                "online_url": "https://visio.example.org/bordeaux",
                "attendance": 63,
            },
            ["Mobiliser habitants et acteurs de la rive droite"],
        ),
        (
            "Atelier territorial Saint-Denis de La Réunion",
            "974",
            soon(-15, 9),
            {
                "format": "presentiel",
                "venue": "Maison des associations",
                "address": "2 rue de Paris",
                "postcode": "97400",
                "commune": "Saint-Denis",
                "latitude": Decimal("-20.878300"),
                "longitude": Decimal("55.448000"),
            },
            ["Associer les habitants des quartiers prioritaires de Saint-Denis"],
        ),
        (
            "Atelier territorial Grenoble Villeneuve",
            "38",
            soon(55, 18),
            {
                "format": "presentiel",
                "venue": "Maison des habitants Le Patio",
                "address": "97 galerie de l’Arlequin",
                "postcode": "38100",
                "commune": "Grenoble",
                "latitude": Decimal("45.165500"),
                "longitude": Decimal("5.737000"),
                "registration_mode": "link",
                "registration_url": "https://www.example.org/inscription/grenoble",
                "capacity": 50,
            },
            ["Construire ensemble les priorités du futur contrat de ville"],
        ),
        (
            "Atelier territorial Ajaccio",
            "2A",
            soon(62, 14),
            {
                "format": "presentiel",
                "venue": "Salle des congrès",
                "address": "Quai l’Herminier",
                "postcode": "20000",
                "commune": "Ajaccio",
                "latitude": Decimal("41.920600"),
                "longitude": Decimal("8.739100"),
            },
            ["Partager le diagnostic des quartiers des Cannes et des Salines"],
        ),
    ]
    for title, dep, (day, hour, duration), fields, why in rows:
        tz = zone_of(departements.get(dep))
        start = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=tz)
        fields = {**fields, "start": start, "end": start + dt.timedelta(hours=duration)}
        fields["description"] = [
            objectives(*why),
            common_audiences,
            methods("Atelier participatif d’environ 3 heures", "Travail en petits groupes"),
        ]
        yield slugify(title), title, dep, fields


def _get_or_create_organisations(locale):
    organisations = {}
    for data in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=data["name"], locale=locale).first()
        if organisation is None:
            organisation = Organisation.objects.create(locale=locale, **data)
        organisations[data["name"]] = organisation
    return organisations


def _get_or_create_index(home_page):
    index = RencontreIndexPage.objects.child_of(home_page).filter(slug=INDEX_SLUG).first()
    if index:
        return index, False
    index = RencontreIndexPage(
        title="Les rencontres locales",
        slug=INDEX_SLUG,
        introduction=(
            "<p>Partout en France, habitants, associations et acteurs des quartiers "
            "populaires se retrouvent pour construire ensemble les quartiers de 2030.</p>"
        ),
    )
    home_page.add_child(instance=index)
    index.save_revision().publish()
    return index, True


def _create_rencontre(index, title, slug, departement, fields, organisers):
    page = RencontrePage(title=title, slug=slug, departement=departement, **fields)
    index.add_child(instance=page)
    for position, organisation in enumerate(organisers):
        RencontreOrganisation.objects.create(
            page=page, organisation=organisation, sort_order=position
        )
    page.refresh_from_db()
    page.save_revision().publish()
    return page


def _create_seed(index, organisations):
    """Two published versions, as on Decidim: first bare, then with département and sections."""
    tz = PARIS_TIME
    page = RencontrePage(
        title=seed.TITLE,
        slug=slugify(seed.TITLE),
        start=_local(2023, 3, 16, 14, 0, tz),
        end=_local(2023, 3, 16, 17, 0, tz),
        format="presentiel",
        venue="Salle Aristide Briand",
        address="Place de la Liberté",
        postcode="42400",
        commune="Saint-Chamond",
    )
    index.add_child(instance=page)
    RencontreOrganisation.objects.create(
        page=page, organisation=organisations[seed.ORGANISER["name"]], sort_order=0
    )
    page.refresh_from_db()
    page.save_revision().publish()

    page = RencontrePage.objects.get(pk=page.pk)
    page.departement = Departement.objects.get(code=seed.DEPARTEMENT_CODE)
    page.description = seed.description()
    page.save_revision().publish()
    return page


def load_rencontres(home_page, stdout=None):
    """Create the index, the organisations and the demo rencontres if missing."""
    locale = Locale.get_default()
    organisations = _get_or_create_organisations(locale)
    index, _created = _get_or_create_index(home_page)
    existing = set(RencontrePage.objects.child_of(index).values_list("slug", flat=True))
    created = 0

    if slugify(seed.TITLE) not in existing:
        _create_seed(index, organisations)
        created += 1

    departements = {d.code: d for d in Departement.objects.all()}
    all_organisers = list(organisations.values())
    today = timezone.localdate()
    for position, (slug, title, dep, fields) in enumerate(_others(today, departements)):
        if slug in existing:
            continue
        organisers = [all_organisers[(position % 3) + 1]]
        if position % 4 == 0:
            organisers.append(organisations[seed.ORGANISER["name"]])
        _create_rencontre(index, title, slug, departements.get(dep), fields, organisers)
        created += 1

    if stdout is not None:
        stdout.write(f"Rencontres : {created} créée(s), {len(existing)} déjà présente(s).")
    return index
