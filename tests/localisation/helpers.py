"""Helpers of the localisation tests: translate through wagtail-localize's own models."""

from django.test import TestCase
from wagtail.models import DraftStateMixin, Locale
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from tests.factories import build_site

# English of the French strings the tests' pages contain; anything else gets "EN: …".
ENGLISH = {
    "Construisons ensemble Quartiers 2030": "Building Quartiers 2030 together",
    "accueil": "home",
    "Les rencontres locales": "Local meetings",
    "rencontres": "meetings",
    "Pourquoi ?": "Why?",
    "Pour et avec qui ?": "For and with whom?",
    "Comment ?": "How?",
    "Partager un diagnostic": "Share a diagnosis",
    "Collecter des avis": "Gather opinions",
    "Habitants et associations d’habitants": "Residents and residents’ associations",
    "Atelier de 3h environ (pauses comprises)": "A workshop of about 3 hours (breaks included)",
    "Maison de quartier": "Community centre",
}


def english_text(text):
    return ENGLISH.get(text, f"EN: {text}")


def english():
    return Locale.objects.get_or_create(language_code="en")[0]


def translate_segments(source, locale, translate=english_text):
    """One StringTranslation per string segment of ``source``; returns how many."""
    segments = source.stringsegment_set.select_related("string", "context")
    for segment in segments:
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": translate(segment.string.data),
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            },
        )
    return len(segments)


def translate(instance, locale, translate=english_text, publish=True):
    """Translate ``instance`` like a translator in wagtail-localize's editor.

    TranslationSource, Translation, a StringTranslation for every segment, then
    ``save_target``. Pages are saved as a draft and their latest revision published,
    because ``save_target(publish=True)`` publishes on commit, which never comes inside a
    test's transaction. Returns ``(translated instance, Translation)``.
    """
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    translate_segments(source, locale, translate)
    is_draftable = isinstance(instance, DraftStateMixin)
    translation.save_target(publish=not is_draftable)
    translated = instance.get_translation(locale)
    if is_draftable and publish:
        translated.specific.get_latest_revision().publish()
    return type(instance).objects.get(pk=translated.pk), translation


def build_bilingual_site():
    """The French home and index (``build_site``) and their English translations."""
    home, index = build_site()
    locale = english()
    en_home, _translation = translate(home, locale)
    en_index, _translation = translate(index, locale)
    return home, index, en_home, en_index


class LocalisedTestCase(TestCase):
    """A bilingual site built once per class: ``cls.home``, ``cls.index``, ``cls.en_home``…"""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index, cls.en_home, cls.en_index = build_bilingual_site()
        cls.en = cls.en_home.locale
