"""Page types of the home app: the consultation's landing page, the generic content pages
the footer links to, and the site map.

Site-wide settings (site name, tagline, accessibility-compliance status) are not here:
they live in django-dsfr's own ``DsfrConfig`` model, one row per language, edited in the
Wagtail admin through the snippet viewset in ``wagtail_hooks.py``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from rencontres.fragments import PublicPageMixin

from .blocks import ContentStreamBlock


class HomePage(PublicPageMixin, Page):
    """The consultation's landing page, root of one language's site."""

    introduction = StreamField(
        ContentStreamBlock(),
        blank=True,
        verbose_name=_("Introduction"),
        help_text=_("Présentation de la consultation et des rencontres locales."),
    )

    content_panels = [*Page.content_panels, "introduction"]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    override_translatable_fields = [TranslatableField("introduction")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "rencontres.RencontreIndexPage",
        "home.ContentPage",
        "home.SitemapPage",
    ]

    class Meta:
        verbose_name = _("Page d'accueil")
        verbose_name_plural = _("Pages d'accueil")

    @classmethod
    def can_create_at(cls, parent):
        # One home page per language: each is the root of that language's site, a child
        # of the tree root. Translations count as home pages too.
        return super().can_create_at(parent) and cls.objects.count() < Locale.objects.count()


class FooterRole(models.TextChoices):
    """The mandatory footer links a content page can stand for."""

    ACCESSIBILITY = "accessibilite", _("Accessibilité")
    LEGAL_NOTICE = "mentions-legales", _("Mentions légales")
    PERSONAL_DATA = "donnees-personnelles", _("Données personnelles")
    COOKIES = "gestion-des-cookies", _("Gestion des cookies")


class ContentPage(PublicPageMixin, Page):
    """A generic editorial page: accessibility statement, legal notice, personal data…"""

    body = StreamField(ContentStreamBlock(), blank=True, verbose_name=_("Contenu"))
    footer_role = models.CharField(
        _("Lien du pied de page"),
        max_length=32,
        choices=FooterRole.choices,
        blank=True,
        help_text=_(
            "Le lien obligatoire du pied de page qui mène à cette page, dans sa langue. "
            "Une seule page par lien et par langue."
        ),
    )

    content_panels = [*Page.content_panels, "body"]
    promote_panels = [*Page.promote_panels, "footer_role"]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    # The footer role is the same in every language: the translation of the legal notice
    # is the legal notice of its language.
    override_translatable_fields = [TranslatableField("body"), SynchronizedField("footer_role")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["home.ContentPage"]

    class Meta:
        verbose_name = _("Page de contenu")
        verbose_name_plural = _("Pages de contenu")

    def clean(self):
        super().clean()
        if not self.footer_role or not self.locale_id:
            return
        taken = (
            ContentPage.objects.filter(locale_id=self.locale_id, footer_role=self.footer_role)
            .exclude(pk=self.pk)
            .exists()
        )
        if taken:
            raise ValidationError(
                {
                    "footer_role": _(
                        "Une autre page de cette langue mène déjà au lien « %(role)s » "
                        "du pied de page."
                    )
                    % {"role": self.get_footer_role_display()}
                }
            )


class SitemapPage(PublicPageMixin, Page):
    """The "Plan du site": every live, public page of its language, as nested lists."""

    max_count_per_parent = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    override_translatable_fields = []

    class Meta:
        verbose_name = _("Plan du site")
        verbose_name_plural = _("Plans du site")

    def get_tree(self):
        """The page tree of this page's language, from its home page down.

        Returns a list of ``(page, children)`` pairs (one root: the home page), built from
        two queries whatever the size of the site. A page whose parent is a draft or
        private is left out, like the parent.
        """
        home = HomePage.objects.ancestor_of(self).order_by("-depth").first()
        if home is None:
            return []
        pages = (
            Page.objects.descendant_of(home, inclusive=True)
            .filter(locale_id=self.locale_id)
            .live()
            .public()
            .order_by("path")
        )
        nodes = {}
        roots = []
        for page in pages:
            node = (page, [])
            parent_path = page.path[: -Page.steplen]
            if page.pk == home.pk:
                roots.append(node)
            elif parent_path in nodes:
                nodes[parent_path][1].append(node)
            else:
                continue
            nodes[page.path] = node
        return roots

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tree"] = self.get_tree()
        return context


@register_setting(icon="image")
class SharingSettings(BaseSiteSetting):
    """What social networks and search engines show of the site's pages when a page has
    no image of its own: the default image of a rencontre's Open Graph and JSON-LD
    (through the plugin's ``rencontres_default_image`` hook, home/wagtail_hooks.py)."""

    default_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image par défaut"),
        help_text=_(
            "Montrée par les réseaux sociaux et les moteurs de recherche pour une rencontre "
            "sans image d’illustration. Au moins 1200 × 630 pixels."
        ),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("default_image")]

    class Meta:
        verbose_name = _("partage et référencement")
