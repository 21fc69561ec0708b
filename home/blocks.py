"""StreamField blocks of the home app: the editorial building blocks of the landing page
and of the generic content pages (accessibility statement, legal notice…).

Every block renders through its own template in ``templates/home/blocks/`` with DSFR
markup, and has a preview value so editors see it in the block picker.
"""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

#: Rich text features of a paragraph: headings are a block of their own (so the page
#: outline stays consistent), the rest is inline formatting, lists and links.
PARAGRAPH_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingLevel(models.TextChoices):
    H2 = "h2", _("Titre de niveau 2")
    H3 = "h3", _("Titre de niveau 3")
    H4 = "h4", _("Titre de niveau 4")


class HeadingValue(blocks.StructValue):
    """A heading's derived values, so templates stay free of logic."""

    @property
    def anchor(self):
        """The fragment identifier a table of contents or a shared link can point to."""
        return slugify(self.get("text") or "")


class HeadingBlock(blocks.StructBlock):
    """A section heading (h2 to h4) with an anchor, to structure long pages."""

    text = blocks.CharBlock(label=_("Texte"), max_length=255)
    level = blocks.ChoiceBlock(
        label=_("Niveau"),
        choices=HeadingLevel.choices,
        default=HeadingLevel.H2,
        help_text=_("Le niveau 1 est le titre de la page : commencez au niveau 2."),
    )

    class Meta:
        icon = "title"
        label = _("Intertitre")
        template = "home/blocks/heading_block.html"
        value_class = HeadingValue
        form_classname = "struct-block heading-block"
        preview_value = {"text": "Pourquoi des rencontres locales ?", "level": "h2"}
        description = _("Un intertitre qui structure la page (niveaux 2 à 4).")


class ParagraphBlock(blocks.RichTextBlock):
    """Running text: paragraphs, emphasis, lists and links."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraphe")
        template = "home/blocks/paragraph_block.html"
        preview_value = (
            "<p>Les <b>rencontres locales</b> réunissent habitants, associations et "
            "agents des collectivités pour imaginer ensemble les quartiers de 2030.</p>"
        )
        description = _("Du texte courant, avec mise en forme, listes et liens.")


class CalloutBlock(blocks.StructBlock):
    """A DSFR callout ("mise en avant"): a short message the reader must not miss."""

    title = blocks.CharBlock(label=_("Titre"), required=False, max_length=255)
    text = ParagraphBlock(label=_("Texte"))

    class Meta:
        icon = "pick"
        label = _("Mise en avant")
        template = "home/blocks/callout_block.html"
        preview_value = {
            "title": "Participez !",
            "text": "<p>Chaque rencontre est ouverte à toutes et à tous, sur inscription.</p>",
        }
        description = _("Un encadré qui met en valeur une information importante.")


class ContentStreamBlock(blocks.StreamBlock):
    """The body of editorial pages: headings, paragraphs and callouts."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    callout = CalloutBlock()

    class Meta:
        icon = "doc-full"
        label = _("Contenu")
        description = _("Le contenu de la page, bloc par bloc.")
