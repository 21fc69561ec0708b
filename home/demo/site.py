"""Demo content of the site itself: languages, site configuration, home page and the pages
the footer links to, in French and English.

Idempotent: every object is looked up by its kind (page type, footer role, language)
before it is created, and nothing that exists is ever changed, so a second run creates
no page and no revision and keeps what editors changed.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from dsfr.models import DsfrConfig
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from home.models import ContentPage, FooterRole, HomePage, SharingSettings, SitemapPage

from . import site_content as content


class _Summary:
    """Collects one line per step and writes it to ``stdout`` (a command's) if given."""

    def __init__(self, stdout=None):
        self.stdout = stdout

    def __call__(self, label, created, existing):
        if self.stdout is not None:
            self.stdout.write(f"{label} : {created} créé(s), {existing} déjà présent(s).")


def _content_languages():
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def ensure_locales():
    """The locales of the content languages (French first); returns ``{code: Locale}``."""
    locales = {}
    created = 0
    for code in _content_languages():
        locales[code], was_created = Locale.objects.get_or_create(language_code=code)
        created += was_created
    return locales, created


def ensure_site_config():
    """One ``DsfrConfig`` per language (name, tagline, accessibility status).

    Returns ``(created, existing)`` counts.
    """
    created = existing = 0
    for language, values in content.SITE_CONFIG.items():
        if language not in _content_languages():
            continue
        _config, was_created = DsfrConfig.objects.get_or_create(language=language, defaults=values)
        created += was_created
        existing += not was_created
    return created, existing


def _publish(page):
    """Save a first revision of a freshly added page and publish it."""
    page.save_revision().publish()
    return page


def _default_site():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        site = Site.objects.select_related("root_page").first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=Page.get_first_root_node(),
            is_default_site=True,
        )
    return site


#: The address Wagtail's first migration gives the default site.
WAGTAIL_INITIAL_ADDRESS = ("localhost", 80)


def ensure_site_address():
    """Give the default site the address the project serves (``WAGTAILADMIN_BASE_URL``:
    ``http://127.0.0.1:8000`` for ``make run``, the cache's for ``make serve``), so
    that canonical, hreflang and sitemap links work on the demo. Only while the record
    still has Wagtail's initial ``localhost:80``: an address an administrator set stays.

    Returns 1 when the record changed, else 0.
    """
    site = _default_site()
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL or "")
    if not address.hostname or (site.hostname, site.port) != WAGTAIL_INITIAL_ADDRESS:
        return 0
    port = address.port or (443 if address.scheme == "https" else 80)
    if (address.hostname, port) == WAGTAIL_INITIAL_ADDRESS:
        return 0
    site.hostname, site.port = address.hostname, port
    site.save(update_fields=["hostname", "port"])
    return 1


def ensure_home_page(locale):
    """The French ``HomePage`` at the site root, replacing Wagtail's welcome page.

    Returns ``(home_page, created)``.
    """
    site = _default_site()
    root_page = site.root_page.specific
    if isinstance(root_page, HomePage):
        return root_page, False

    home = HomePage.objects.filter(locale=locale, depth=2).first()
    created = home is None
    if created:
        tree_root = Page.get_first_root_node()
        home = HomePage(locale=locale, live=False, **content.HOME["fr"])
        home.slug = find_available_slug(tree_root, home.slug)
        tree_root.add_child(instance=home)
        _publish(home)

    welcome = root_page
    if type(welcome) is not Page:
        # An editor made another kind of page the site root: leave the site alone.
        return home, created
    site.root_page = home
    site.site_name = site.site_name or content.SITE_CONFIG["fr"]["site_title"]
    site.save()
    # Wagtail's own welcome page: a plain Page nobody has built on. Anything else stays.
    if (
        welcome.depth == 2
        and not welcome.get_children().exists()
        and not Site.objects.filter(root_page=welcome).exists()
    ):
        welcome.delete()
    return home, created


def ensure_footer_pages(home):
    """The pages behind the mandatory footer links, children of ``home``.

    Returns ``(created, existing)`` counts.
    """
    created = existing = 0
    slugs = set(home.get_children().values_list("slug", flat=True))
    for role in FooterRole:
        values = content.FOOTER_PAGES[role]["fr"]
        # Present if a page plays the role, or if the demo's page is still there (an editor
        # may have taken the role off it: that choice is theirs to keep).
        if (
            ContentPage.objects.filter(locale=home.locale_id, footer_role=role).exists()
            or values["slug"] in slugs
        ):
            existing += 1
            continue
        page = ContentPage(live=False, footer_role=role, **values)
        home.add_child(instance=page)
        _publish(page)
        created += 1

    if SitemapPage.objects.child_of(home).exists() or content.SITEMAP["fr"]["slug"] in slugs:
        existing += 1
    else:
        page = SitemapPage(live=False, **content.SITEMAP["fr"])
        home.add_child(instance=page)
        _publish(page)
        created += 1
    return created, existing


def _translate(page, locale, values):
    """The translation of ``page`` into ``locale``, with ``values``, published.

    Returns ``(translation, created)``; an existing translation is left as it is. Made
    like ``Page.copy_for_translation`` (same translation key, under the parent's
    translation), but with its own title, slug and text from the start: changing the slug
    afterwards would leave redirects from URLs that never existed.
    """
    translation = page.get_translation_or_none(locale)
    if translation is not None:
        return translation.specific, False
    parent = page.get_parent()
    if not parent.is_root():
        parent = parent.get_translation(locale)
    values = {**values, "locale": locale}
    # A page of that slug may be left in that language (its source was deleted).
    values["slug"] = find_available_slug(parent, values.get("slug", page.slug))
    translation = page.specific.copy(
        to=parent,
        update_attrs=values,
        copy_revisions=False,
        keep_live=False,
        reset_translation_key=False,
        log_action="wagtail.copy_for_translation",
    )
    _publish(translation)
    return translation, True


def _has_counterpart(page, locale):
    """Whether ``locale`` already has a page playing ``page``'s part, translated or not.

    After an editor deleted and the loader re-created a French footer page, the old
    English one is still there: it keeps its part and gets no rival.
    """
    if isinstance(page, ContentPage):
        return ContentPage.objects.filter(locale=locale, footer_role=page.footer_role).exists()
    return SitemapPage.objects.filter(locale=locale).exists()


def ensure_translations(home, locales):
    """The home and footer pages in the other languages there is demo content for.

    Only pages that exist in French and are not translated yet are translated; their
    translation is written directly (no machine translation). Returns counts.
    """
    created = existing = 0
    for code, locale in locales.items():
        if locale.pk == home.locale_id or code not in content.HOME:
            continue
        _home, was_created = _translate(home, locale, content.HOME[code])
        created += was_created
        existing += not was_created
        sources = [
            (page, content.FOOTER_PAGES[page.footer_role])
            for page in ContentPage.objects.child_of(home).exclude(footer_role="")
        ]
        sources += [(page, content.SITEMAP) for page in SitemapPage.objects.child_of(home)]
        for page, values in sources:
            # Only the demo's own pages get the demo's translations.
            if code not in values or page.slug != values["fr"]["slug"]:
                continue
            if page.get_translation_or_none(locale) is None and _has_counterpart(page, locale):
                existing += 1
                continue
            _translation, was_created = _translate(page, locale, values[code])
            created += was_created
            existing += not was_created
    return created, existing


#: The demo's sharing image (1200 × 630): what social networks and search engines show
#: of a rencontre without an illustration of its own.
SHARING_IMAGE = Path(__file__).with_name("partage.png")
SHARING_IMAGE_TITLE = "Construisons ensemble Quartiers 2030 (image de partage)"


def ensure_sharing_image():
    """The default site's sharing image (``SharingSettings``), made from the demo's own.

    Created once, looked up by its title; set as the default image only when the site has
    none, so that an image an editor chose, or its removal, stays. Returns
    ``(created, existing)``.
    """
    image_model = get_image_model()
    if image_model.objects.filter(title=SHARING_IMAGE_TITLE).exists():
        return 0, 1
    with SHARING_IMAGE.open("rb") as file:
        image = image_model(
            title=SHARING_IMAGE_TITLE, file=ImageFile(file, name=SHARING_IMAGE.name)
        )
        image.save()
    sharing = SharingSettings.for_site(_default_site())
    if sharing.default_image_id is None:
        sharing.default_image = image
        sharing.save()
    return 1, 0


def load_site(stdout=None):
    """Load the demo site content; returns the French home page."""
    summary = _Summary(stdout)
    with transaction.atomic():
        locales, created = ensure_locales()
    summary("Langues", created, len(locales) - created)

    with transaction.atomic():
        created, existing = ensure_site_config()
    summary("Configuration du site", created, existing)

    default_locale = locales.get(settings.LANGUAGE_CODE) or Locale.get_default()
    with transaction.atomic():
        home, created = ensure_home_page(default_locale)
    summary("Page d’accueil", int(created), int(not created))

    with transaction.atomic():
        changed = ensure_site_address()
    summary("Adresse du site", changed, 1 - changed)

    with transaction.atomic():
        created, existing = ensure_sharing_image()
    summary("Image de partage", created, existing)

    with transaction.atomic():
        created, existing = ensure_footer_pages(home)
    summary("Pages du pied de page", created, existing)

    with transaction.atomic():
        created, existing = ensure_translations(home, locales)
    summary("Traductions", created, existing)
    return home
