"""StreamField blocks of a rencontre: the structured sections of its description
(Pourquoi ?, Pour et avec qui ?, Comment ?) beside free content, and its report.

Each block knows its plain text (``text_lines(value)``, and ``text_lines()`` on the
struct values): the one text that the history, the exports, the calendars, the meta
descriptions and the search index read (see :mod:`rencontres.text`).
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from ..sanitize import has_lone_surrogate
from ..text import bulleted, html_lines, labelled, labelled_lines, plain_lines, stream_lines

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]

#: The block-picker preview: the block in the DSFR styles of the public site.
PREVIEW_TEMPLATE = "rencontres/blocks/preview.html"

__all__ = [
    "RICH_TEXT_FEATURES",
    "CommentBlock",
    "DescriptionBlock",
    "DocumentBlock",
    "DocumentValue",
    "ImageBlock",
    "ImageValue",
    "PourQuiBlock",
    "PourquoiBlock",
    "QuoteBlock",
    "QuoteValue",
    "ReportBlock",
    "RichTextBlock",
    "SectionBlock",
    "SectionValue",
    "TextBlockMixin",
    "UnreadableStream",
    "VideoBlock",
]

# What the admin posts for a StreamField is read by Wagtail's blocks, which assume the
# form their script wrote: a count, then each block's type, order and value, and
# Draftail's JSON for rich text. A post cut short, forged or sent by a stale page
# (a missing ``-count`` or ``-deleted`` key, a count larger than the blocks sent, an
# order or an image id that is no number, JSON that is not Draftail's) made
# them raise, and the editor got a 500. The blocks below read such a post as
# unreadable, and their ``clean()`` says so in French next to the field.

UNREADABLE_STREAM_MESSAGE = _(
    "Le contenu envoyé pour ce champ est incomplet ou abîmé et n’a pas pu être lu ; "
    "rien n’a été enregistré. Le contenu enregistré est affiché à nouveau : refaites "
    "vos dernières modifications de ce champ, puis enregistrez."
)
UNREADABLE_TEXT_MESSAGE = _(
    "Ce texte n’a pas pu être lu (envoi incomplet ou abîmé) : saisissez-le à nouveau."
)
LONE_SURROGATE_MESSAGE = _(
    "Ce texte contient un caractère invalide (une moitié d’émoji ou de symbole, souvent "
    "laissée par un copier-coller) : retapez le passage concerné."
)
#: What a damaged post raises while its values are read (a missing key is a KeyError,
#: a count or an order that is no number or JSON that is not JSON a ValueError).
UNREADABLE_POST_ERRORS = (KeyError, ValueError, TypeError, IndexError)


class UnreadableStream(blocks.StreamValue):
    """The value of a stream whose post could not be read: empty, refused by ``clean()``
    (the admin form shows the stored value again, rencontres.admin.forms)."""


class UnreadableRichText(RichText):
    """The value of a rich text whose Draftail JSON could not be read."""

    def __init__(self):
        super().__init__("")


class TextBlockMixin:
    """A block that reads as the one plain text (:mod:`rencontres.text`), in the
    search index too: what a visitor finds is what the exports and the history show."""

    def text_lines(self, value):
        """The value's lines of plain text (a struct value computes its own)."""
        return value.text_lines()

    def get_searchable_content(self, value):
        return [str(line) for line in self.text_lines(value)] if value is not None else []


class TextStructValue(blocks.StructValue):
    """A struct value with its children's labels at hand, for labelled lines."""

    def label_of(self, name):
        return self.block.child_blocks[name].label


class SectionValue(TextStructValue):
    """A section's derived values, so templates, exports and diffs never recompute them."""

    @property
    def non_empty_items(self):
        return [item for item in self.get("items") or [] if item and item.strip()]

    def text_lines(self):
        """« Pourquoi ? », « Introduction : … » if any, then one « •item » line per item."""
        lines = plain_lines(self.get("heading"))
        lines += labelled_lines(self.label_of("introduction"), self.get("introduction"))
        for item in self.get("items") or ():
            lines += bulleted(plain_lines(item))
        return lines


class SectionBlock(TextBlockMixin, blocks.StructBlock):
    """A heading, an optional introduction and a bulleted list of items.

    The three named sections of a rencontre (``pourquoi``, ``pour_qui``,
    ``comment``) are this block with a different default heading.
    """

    heading = blocks.CharBlock(label=_("Titre"), max_length=255)
    introduction = blocks.TextBlock(label=_("Introduction"), required=False, rows=2)
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Élément"), max_length=1000),
        label=_("Éléments"),
        min_num=1,
    )

    class Meta:
        icon = "list-ul"
        template = "rencontres/blocks/section.html"
        preview_template = PREVIEW_TEMPLATE
        value_class = SectionValue
        label = _("Section libre")
        description = _("Un titre, une introduction facultative et une liste à puces.")
        preview_value = {
            "heading": "Déroulé",
            "introduction": "",
            "items": ["Accueil des participants", "Ateliers en petits groupes", "Restitution"],
        }
        form_classname = "struct-block section-block"


class PourquoiBlock(SectionBlock):
    """Section « Pourquoi ? »: the objectives of the rencontre."""

    class Meta:
        icon = "help"
        label = _("Pourquoi ?")
        default = {"heading": "Pourquoi ?"}
        description = _("Les objectifs de la rencontre, un par élément.")
        preview_value = {
            "heading": "Pourquoi ?",
            "items": [
                "Partager des éléments de diagnostic issus des quartiers populaires concernés",
                "Collecter des avis, préconisations pour le futur contrat de ville",
            ],
        }


class PourQuiBlock(SectionBlock):
    """Section « Pour et avec qui ? »: the audiences invited."""

    class Meta:
        icon = "group"
        label = _("Pour et avec qui ?")
        default = {"heading": "Pour et avec qui ?"}
        description = _("Les publics invités et associés, un par élément.")
        preview_value = {
            "heading": "Pour et avec qui ?",
            "items": [
                "Habitants et associations d’habitants",
                "Acteurs (sociaux, culturels, économiques) des quartiers populaires",
            ],
        }


class CommentBlock(SectionBlock):
    """Section « Comment ? »: format, duration, methods and facilitators."""

    class Meta:
        icon = "cogs"
        label = _("Comment ?")
        default = {"heading": "Comment ?"}
        description = _("Format, durée, méthodes et animation, un par élément.")
        preview_value = {
            "heading": "Comment ?",
            "items": [
                "Atelier de 3h environ (pauses comprises)",
                "Méthodologies créatives et participatives",
            ],
        }


class RichTextBlock(TextBlockMixin, blocks.RichTextBlock):
    """Free text with a limited set of formats."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    def text_lines(self, value):
        """One line per paragraph or heading, one « •item » line per list item.

        Reads the stored HTML (``value.source``): links are never expanded, so no query.
        """
        return html_lines(getattr(value, "source", value))

    def value_from_datadict(self, data, files, prefix):
        try:
            return super().value_from_datadict(data, files, prefix)
        except (*UNREADABLE_POST_ERRORS, AttributeError):
            # Draftail's converter reads any JSON as its content state: ``[1, 2]``
            # raises an AttributeError.
            return UnreadableRichText()

    def clean(self, value):
        if isinstance(value, UnreadableRichText):
            raise ValidationError(UNREADABLE_TEXT_MESSAGE, code="unreadable")
        if has_lone_surrogate(getattr(value, "source", "") or ""):
            raise ValidationError(LONE_SURROGATE_MESSAGE, code="surrogate")
        return super().clean(value)

    class Meta:
        icon = "pilcrow"
        label = _("Texte")
        template = "rencontres/blocks/rich_text.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Un texte libre : paragraphes, listes, liens.")
        preview_value = (
            "<p>Les ateliers territoriaux réunissent habitants, associations et agents des "
            "collectivités autour du futur contrat de ville.</p>"
        )


class ImageValue(TextStructValue):
    def text_lines(self):
        """« Image : <title> », « Texte alternatif : … », « Légende : … »."""
        lines = []
        if self.get("image") is not None:
            lines.append(labelled(self.label_of("image"), self["image"]))
        lines += labelled_lines(self.label_of("alt_text"), self.get("alt_text"))
        lines += labelled_lines(self.label_of("caption"), self.get("caption"))
        return lines


class ImageBlock(TextBlockMixin, blocks.StructBlock):
    """An image with its alternative text and an optional caption."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Texte alternatif"),
        required=False,
        max_length=255,
        help_text=_("Laisser vide si l’image est décorative."),
    )
    caption = blocks.CharBlock(label=_("Légende"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "rencontres/blocks/image.html"
        preview_template = PREVIEW_TEMPLATE
        value_class = ImageValue
        description = _("Une image avec son texte alternatif et sa légende.")
        preview_value = {"alt_text": "", "caption": "Atelier territorial, 2023"}

    def get_preview_value(self):
        # The most recent image of the library, if any; the caption shows either way.
        value = dict(self.meta.preview_value)
        value["image"] = get_image_model().objects.order_by("-created_at").first()
        return self.normalize(value)


class DocumentValue(TextStructValue):
    def text_lines(self):
        """« Document : <title> », then « Intitulé du lien : … » if any."""
        lines = []
        if self.get("document") is not None:
            lines.append(labelled(self.label_of("document"), self["document"]))
        lines += labelled_lines(self.label_of("title"), self.get("title"))
        return lines


class DocumentBlock(TextBlockMixin, blocks.StructBlock):
    """A downloadable document (programme, report, slides)."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Intitulé du lien"),
        required=False,
        max_length=255,
        help_text=_("Par défaut, le titre du document."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "rencontres/blocks/document.html"
        preview_template = PREVIEW_TEMPLATE
        value_class = DocumentValue
        description = _("Un document à télécharger : programme, support, compte rendu.")
        preview_value = {"title": "Programme de la rencontre (PDF)"}

    def get_preview_value(self):
        value = dict(self.meta.preview_value)
        value["document"] = get_document_model().objects.order_by("-created_at").first()
        return self.normalize(value)

    def get_preview_context(self, value, parent_context=None):
        # Lets the template show the link text even when the library has no document.
        return {**(parent_context or {}), "is_block_preview": True}


class QuoteValue(TextStructValue):
    def text_lines(self):
        """The quotation's lines, then « Auteur ou autrice : … » if any."""
        return plain_lines(self.get("text")) + labelled_lines(
            self.label_of("author"), self.get("author")
        )


class QuoteBlock(TextBlockMixin, blocks.StructBlock):
    """A quotation with its author."""

    text = blocks.TextBlock(label=_("Citation"))
    author = blocks.CharBlock(label=_("Auteur ou autrice"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Citation")
        template = "rencontres/blocks/quote.html"
        preview_template = PREVIEW_TEMPLATE
        value_class = QuoteValue
        description = _("Une citation et son auteur ou autrice.")
        preview_value = {
            "text": "Les habitants sont les premiers experts de leur quartier.",
            "author": "Une participante",
        }


class VideoBlock(TextBlockMixin, EmbedBlock):
    """An embedded video or other media, by its URL."""

    def text_lines(self, value):
        """« Média intégré : <url> »."""
        url = getattr(value, "url", value)
        return [labelled(self.label, url)] if url else []

    class Meta:
        icon = "media"
        label = _("Média intégré")
        template = "rencontres/blocks/embed.html"
        # The preview never fetches the provider: the block picker must open offline.
        preview_template = "rencontres/blocks/embed_preview.html"
        description = _("Une vidéo ou un média intégré par son adresse.")
        preview_value = "https://video.example.org/atelier-territorial"


class TextStreamBlock(TextBlockMixin, blocks.StreamBlock):
    """A stream that reads as its blocks' lines, one after the other."""

    def text_lines(self, value):
        return stream_lines(value)

    def value_from_datadict(self, data, files, prefix):
        try:
            return super().value_from_datadict(data, files, prefix)
        except UNREADABLE_POST_ERRORS:
            return UnreadableStream(self, [])

    def clean(self, value):
        if isinstance(value, UnreadableStream):
            raise blocks.StreamBlockValidationError(
                non_block_errors=ErrorList(
                    [ValidationError(UNREADABLE_STREAM_MESSAGE, code="unreadable")]
                )
            )
        return super().clean(value)


class DescriptionBlock(TextStreamBlock):
    """The description of a rencontre: the three sections first, then free content."""

    pourquoi = PourquoiBlock()
    pour_qui = PourQuiBlock()
    comment = CommentBlock()
    section = SectionBlock()
    texte = RichTextBlock()
    image = ImageBlock()
    document = DocumentBlock()
    citation = QuoteBlock()
    media = VideoBlock()

    class Meta:
        block_counts = {
            "pourquoi": {"max_num": 1},
            "pour_qui": {"max_num": 1},
            "comment": {"max_num": 1},
        }


class ReportBlock(TextStreamBlock):
    """The report (compte rendu) written after the rencontre."""

    section = SectionBlock()
    texte = RichTextBlock()
    image = ImageBlock()
    document = DocumentBlock()
    citation = QuoteBlock()
    media = VideoBlock()
