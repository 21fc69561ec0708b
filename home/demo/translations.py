"""Demo English translations, made the way staff make them: through wagtail-localize.

For each object, wagtail-localize's own models: a ``TranslationSource`` (the frozen French
content, split into segments), a ``Translation`` (French → English), one
``StringTranslation`` per segment, then ``Translation.save_target(publish=True)``, which
creates or updates the English page or snippet and publishes it as a revision.

* the organisations (names and links are synchronised, descriptions translated);
* the home page and the other pages ``load_site`` translated by hand: their English text
  becomes the translation of each segment (nothing is republished), so staff edit them
  in wagtail-localize's editor like the rest;
* the rencontres index (the listing), then a few rencontres (``TRANSLATED``), parents
  first;
* the seed rencontre in two versions, like the French page: its translation is made from
  the French first version and published, then updated from the second one and
  published again, so the English page has its own history.

Each translation is published as soon as it is saved, not on commit as
``save_target(publish=True)`` would: parents are translated first, and a parent published
late from its state in memory would leave its translated children 404s under /en/. So
the loader works inside a transaction too (tests), and ``load_demo`` runs it outside the
one of the rencontres.

Idempotent: an object that already has its translation is left as it is (editors may
have changed it), so a second run creates nothing.
"""

import re

from django.conf import settings
from django.utils.text import slugify
from wagtail.models import DraftStateMixin, Locale, Page
from wagtail_localize.models import (
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from home.models import HomePage
from rencontres.models import Organisation, RencontreIndexPage, RencontrePage

from . import seed

# French segment → English, per target language. Proper nouns (venues) stay as they are.
TEXTS = {
    "en": {
        # The listing
        "Les rencontres locales": "Local meetings",
        "Partout en France, habitants, associations et acteurs des quartiers populaires se "
        "retrouvent pour construire ensemble les quartiers de 2030.": (
            "All over France, residents, associations and stakeholders of working-class "
            "neighbourhoods meet to build the neighbourhoods of 2030 together."
        ),
        # Organisations
        "Coopérative experte de la participation citoyenne et de l’animation de démarches "
        "de concertation.": (
            "A cooperative specialised in citizen participation and in facilitating public "
            "consultations."
        ),
        "Établissement public qui accompagne les collectivités dans leurs projets.": (
            "Public body that supports local authorities in their projects."
        ),
        "Association d’éducation populaire ouverte à tous les habitants.": (
            "Community education association open to all residents."
        ),
        "Réseau d’habitants et d’associations engagés pour la participation.": (
            "Network of residents and associations committed to participation."
        ),
        # The seed rencontre
        seed.TITLE: "Vallée du Gier territorial workshop",
        "Salle Aristide Briand": "Salle Aristide Briand",
        "Pourquoi ?": "Why?",
        "Pour et avec qui ?": "For and with whom?",
        "Comment ?": "How?",
        seed.POURQUOI[
            0
        ]: "Share diagnostic findings from the working-class neighbourhoods concerned",
        seed.POURQUOI[1]: "Gather opinions and recommendations for the future city contract",
        seed.POURQUOI[2]: (
            "Mobilise residents and stakeholders for the national conference on urban policy"
        ),
        seed.POURQUOI[3]: (
            "Start a local consultation process for the implementation of the future "
            "metropolitan city contract"
        ),
        seed.POUR_QUI[0]: (
            "Stakeholders (social, cultural, economic) of working-class neighbourhoods"
        ),
        seed.POUR_QUI[1]: "Residents and residents’ associations",
        seed.POUR_QUI[2]: (
            "Local authority staff working on urban policy (project managers, heads of department)"
        ),
        seed.COMMENT[0]: "A workshop of about 3 hours (breaks included)",
        seed.COMMENT[1]: "Creative and participatory methods",
        seed.COMMENT[2]: (
            "Facilitation and tools by Kaléido’Scop, a cooperative experienced in the issues "
            "and tools of participation: reproducible methods, passed on for other "
            "consultations in the territories"
        ),
        # Five other demo rencontres (see TRANSLATED)
        "Atelier territorial Nord Est de Paris": "North-East Paris territorial workshop",
        "Faire remonter les priorités des habitants des quartiers du Nord Est parisien": (
            "Bring forward the priorities of residents of north-east Paris neighbourhoods"
        ),
        "Préparer les Assises de la politique de la ville": (
            "Prepare the national conference on urban policy"
        ),
        "Conseils citoyens": "Citizens’ councils",
        "Agents des collectivités et des services de l’État": (
            "Staff of local authorities and State services"
        ),
        "Atelier participatif d’environ 3 heures": "A participatory workshop of about 3 hours",
        "Travail en petits groupes": "Work in small groups",
        "Maison des associations du 19e": "Maison des associations du 19e",
        "Atelier territorial Métropole lilloise": "Lille metropolitan area territorial workshop",
        "Croiser les regards sur l’emploi et la formation dans les quartiers": (
            "Compare views on employment and training in the neighbourhoods"
        ),
        "Recueillir des propositions pour le contrat de ville": (
            "Gather proposals for the city contract"
        ),
        "Gare Saint-Sauveur": "Gare Saint-Sauveur",
        "Rencontre en ligne : jeunesse et quartiers": "Online meeting: youth and neighbourhoods",
        "Donner la parole aux jeunes des quartiers prioritaires": (
            "Give young people from priority neighbourhoods a voice"
        ),
        "Identifier les freins à l’accès aux loisirs et au sport": (
            "Identify the obstacles to leisure and sport"
        ),
        "Atelier territorial Nouméa": "Nouméa territorial workshop",
        "Échanger sur les quartiers populaires du Grand Nouméa": (
            "Discuss the working-class neighbourhoods of Greater Nouméa"
        ),
        "Maison du citoyen": "Maison du citoyen",
        "Atelier territorial Strasbourg Neuhof": "Strasbourg Neuhof territorial workshop",
        "Faire le bilan des projets menés dans le quartier": (
            "Review the projects carried out in the neighbourhood"
        ),
        "Centre socioculturel du Neuhof": "Centre socioculturel du Neuhof",
    },
}

# The demo rencontres translated, besides the seed: a few upcoming ones, one online, one
# overseas, one cancelled. Each translation costs a few hundred queries, and load_demo runs
# in tests.
TRANSLATED = {
    seed.TITLE,
    "Atelier territorial Nord Est de Paris",
    "Atelier territorial Métropole lilloise",
    "Rencontre en ligne : jeunesse et quartiers",
    "Atelier territorial Nouméa",
    "Atelier territorial Strasbourg Neuhof",
}

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class _Summary:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.created = 0
        self.existing = 0

    def skip(self, message):
        if self.stdout is not None:
            self.stdout.write(f"Traductions (wagtail-localize) : {message}")


# -- segments ---------------------------------------------------------------------------


def _string_segments(source):
    return list(source.stringsegment_set.select_related("string", "context").order_by("order"))


def _missing(source, texts):
    """The French segments of ``source`` that ``texts`` has no translation for."""
    return [
        segment.string.data
        for segment in _string_segments(source)
        if segment.context.path != "slug" and segment.string.data not in texts
    ]


def _set(segment, locale, data):
    StringTranslation.objects.get_or_create(
        translation_of=segment.string,
        locale=locale,
        context=segment.context,
        defaults={"data": data, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
    )


def _translate_segments(source, locale, texts):
    """One StringTranslation per segment; the slug is the translated title's."""
    segments = _string_segments(source)
    title = None
    for segment in segments:
        if segment.context.path == "slug":
            continue
        data = texts[segment.string.data]
        _set(segment, locale, data)
        if segment.context.path == "title":
            title = data
    for segment in segments:
        if segment.context.path == "slug":
            _set(segment, locale, slugify(title) if title else segment.string.data)


def _translation(source, locale):
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    return translation


def _save_and_publish(translation):
    """``save_target``, then publish the revision it made, at once.

    ``save_target(publish=True)`` would publish on commit, from the page as it was in
    memory then (its count of children included): with a later commit, a translated parent
    would be saved back with no children, and its translated children would be 404s.
    """
    target_model = translation.source.specific_content_type.model_class()
    if not issubclass(target_model, DraftStateMixin):
        translation.save_target(publish=True)  # saved, nothing to publish
        return
    translation.save_target(publish=False)
    translation.get_target_instance().get_latest_revision().publish()


def _is_managed(instance, locale):
    """Whether ``instance`` has a wagtail-localize translation into ``locale``."""
    return Translation.objects.filter(
        source__object_id=instance.translation_key,
        source__locale_id=instance.locale_id,
        target_locale=locale,
    ).exists()


def translate(instance, locale, texts, summary):
    """Translate ``instance`` into ``locale`` through wagtail-localize and publish it.

    Returns the translation, or None when ``texts`` lacks a segment (reported) or when
    the object was translated by other means (left alone).
    """
    existing = instance.get_translation_or_none(locale)
    if existing is not None:
        summary.existing += 1
        return existing
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    missing = _missing(source, texts)
    if missing:
        summary.skip(f"« {instance} » non traduit, textes manquants : {missing[:3]}")
        return None
    _translate_segments(source, locale, texts)
    _save_and_publish(_translation(source, locale))
    summary.created += 1
    return instance.get_translation(locale)


# -- pages translated by hand -----------------------------------------------------------


def _normalised_path(path, ids):
    """A segment path with each block id replaced by its rank: the two languages' ids differ."""
    return _UUID_RE.sub(lambda match: str(ids.setdefault(match.group(0), len(ids))), path)


def _string_values(instance):
    ids = {}
    return [
        (_normalised_path(segment.path, ids), segment.string.data)
        for segment in extract_segments(instance)
        if isinstance(segment, StringSegmentValue)
    ]


def adopt(page, locale, summary):
    """Put the hand-made translation of ``page`` under wagtail-localize.

    Each segment gets the text the translation has at the same place, provided both
    have the same structure; nothing is republished. Returns True when adopted.
    """
    translated = page.get_translation_or_none(locale)
    if translated is None or translated.alias_of_id:
        return False
    if _is_managed(page, locale):
        summary.existing += 1
        return False
    source_values = _string_values(page)
    target_values = _string_values(translated.specific)
    if [path for path, _text in source_values] != [path for path, _text in target_values]:
        summary.skip(f"« {translated} » diffère de sa source, laissée telle quelle")
        return False
    source, _created = TranslationSource.update_or_create_from_instance(page)
    segments = _string_segments(source)
    if [segment.string.data for segment in segments] != [text for _path, text in source_values]:
        return False
    for segment, (_path, text) in zip(segments, target_values, strict=True):
        _set(segment, locale, text)
    _translation(source, locale)
    summary.created += 1
    return True


# -- the seed rencontre: two versions -------------------------------------------------------


def translate_seed(page, locale, texts, summary):
    """The seed's translation, published from the French first version, then the second."""
    if page.get_translation_or_none(locale) is not None:
        summary.existing += 1
        return page.get_translation(locale)
    revisions = list(page.revisions.order_by("created_at", "pk"))
    if len(revisions) < 2:
        return translate(page, locale, texts, summary)

    first_version = revisions[0].as_object()
    source, _created = TranslationSource.update_or_create_from_instance(first_version)
    if _missing(source, texts):
        return translate(page, locale, texts, summary)  # reports what is missing
    _translate_segments(source, locale, texts)
    translation = _translation(source, locale)
    _save_and_publish(translation)

    source.update_from_db()  # the French page as published now: its second version
    missing = _missing(source, texts)
    if missing:
        summary.skip(f"« {page} » : seconde version non traduite, textes manquants : {missing[:3]}")
    else:
        _translate_segments(source, locale, texts)
        _save_and_publish(translation)
    summary.created += 1
    return page.get_translation(locale)


# -- entry point --------------------------------------------------------------------------------


def _target_locales():
    """The content languages other than the default one that have demo texts."""
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES if code in TEXTS]
    return list(
        Locale.objects.filter(language_code__in=codes)
        .exclude(pk=Locale.get_default().pk)
        .order_by("language_code")
    )


def load_translations(home, stdout=None):
    """Translate the demo content into every content language that has demo texts.

    ``home`` is the French home page. Call it after ``load_site`` and ``load_rencontres``,
    outside any transaction. Returns ``(created, existing)`` counts.
    """
    summary = _Summary(stdout)
    for locale in _target_locales():
        texts = TEXTS[locale.language_code]

        for organisation in Organisation.objects.filter(locale=home.locale).order_by("pk"):
            translate(organisation, locale, texts, summary)

        pages = Page.objects.descendant_of(home, inclusive=True).filter(locale=home.locale)
        for page in pages.order_by("path").specific():
            if not isinstance(page, RencontreIndexPage | RencontrePage):
                adopt(page, locale, summary)

        if not HomePage.objects.filter(locale=locale).exists():
            summary.skip(f"pas de page d’accueil en {locale}, rencontres non traduites")
            continue
        for index in RencontreIndexPage.objects.child_of(home).filter(locale=home.locale):
            if translate(index, locale, texts, summary) is None:
                continue
            rencontres = RencontrePage.objects.child_of(index).filter(title__in=TRANSLATED)
            for page in rencontres.order_by("path"):
                if page.title == seed.TITLE:
                    translate_seed(page, locale, texts, summary)
                else:
                    translate(page, locale, texts, summary)

    if stdout is not None:
        stdout.write(
            f"Traductions (wagtail-localize) : {summary.created} créée(s), "
            f"{summary.existing} déjà présente(s)."
        )
    return summary.created, summary.existing
