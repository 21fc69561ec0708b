"""The shape of a rencontre in the API, as typed models (pydantic, through Django Ninja).

API v3 validates its responses against them and publishes them in its OpenAPI
schema; API v2 returns the same values (:mod:`.representation`), and a test checks
its responses against these models too.

The models of the description and report StreamFields are generated from their
blocks (:func:`stream_schema`): a block added to ``rencontres.models.blocks`` appears in the
schema with its fields, and a block type the generator cannot describe fails the
test that no field of the schema is left untyped.
"""

from datetime import datetime
from typing import Annotated, Literal, Union

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, create_model
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from ..blocks import DescriptionBlock, ReportBlock
from ..models import RegistrationMode, RencontreFormat, RencontreStatus


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Region(_Model):
    code: str = Field(description="Code INSEE de la région, par exemple « 84 ».")
    name: str = Field(description="Nom de la région.")


class Departement(_Model):
    code: str = Field(description="Code du département, par exemple « 42 » ou « 2A ».")
    name: str = Field(description="Nom du département, par exemple « Loire ».")
    region: Region | None = Field(description="Sa région ; null pour une collectivité d’outre-mer.")


class Place(_Model):
    """Where a présentiel or hybride rencontre happens."""

    venue: str = Field(description="Nom du lieu.")
    address: str
    postcode: str
    commune: str
    latitude: float | None = Field(
        None, description="Latitude du point sur les cartes (WGS 84), voir coordinates_source."
    )
    longitude: float | None = Field(None, description="Longitude du point sur les cartes.")
    coordinates_source: Literal["manual", "address", "commune"] | None = Field(
        None,
        description=(
            "D’où vient le point : manual (saisi), address (adresse géocodée), commune "
            "(centre de la commune) ; null sans point."
        ),
    )
    access_notes: str = Field(description="Transports, stationnement, accessibilité.")


class Organiser(_Model):
    id: int = Field(description="Identifiant de l’organisation (filtre `organisation`).")
    name: str
    url: str | None = None
    description: str


class Registration(_Model):
    mode: RegistrationMode
    mode_label: str
    url: str | None = Field(None, description="Lien d’inscription (mode `link`).")
    email: str | None = Field(None, description="Adresse d’inscription (mode `email`).")
    capacity: int | None = Field(None, description="Nombre de places, pour information.")
    deadline: datetime | None = Field(
        None, description="Date limite d’inscription, heure locale avec décalage (ISO 8601)."
    )


class ImageRef(_Model):
    id: int = Field(description="Identifiant dans l’API des images (/api/v2/images/{id}/).")
    title: str
    alt: str = Field(description="Texte alternatif (description de l’image), peut être vide.")
    width: int
    height: int
    url: str = Field(description="Adresse du fichier original.")


class DocumentRef(_Model):
    id: int = Field(description="Identifiant dans l’API des documents (/api/v2/documents/{id}/).")
    title: str
    file_extension: str
    url: str = Field(description="Adresse de téléchargement.")


# -- StreamFields, generated from their blocks -------------------------------------------

_struct_models: dict[type, type[BaseModel]] = {}


def _defining_class(block):
    """The class that declares a struct block's children (``SectionBlock`` for the
    three named sections), so blocks sharing children share one model."""
    for klass in type(block).__mro__:
        if getattr(klass, "declared_blocks", None):
            return klass
    return type(block)


def _describe(block):
    text = str(getattr(block.meta, "description", "") or getattr(block.meta, "help_text", "") or "")
    label = str(block.label or "")
    return " — ".join(part for part in (label, text) if part) or None


def block_schema(block):
    """The type of a block's value in the API (see ``representation.block_value``)."""
    if isinstance(block, blocks.StreamBlock):
        return stream_schema(block, type(block).__name__.removesuffix("Block"))
    if isinstance(block, blocks.ListBlock):
        return list[block_schema(block.child_block)]
    if isinstance(block, blocks.StructBlock):
        klass = _defining_class(block)
        if klass not in _struct_models:
            fields = {
                name: (block_schema(child), Field(description=_describe(child)))
                for name, child in block.child_blocks.items()
            }
            _struct_models[klass] = create_model(
                "Rencontre" + klass.__name__,
                __base__=_Model,
                __doc__=(klass.__doc__ or "").strip() or None,
                **fields,
            )
        return _struct_models[klass]
    if isinstance(block, blocks.RichTextBlock):
        return Annotated[str, Field(description="Texte riche (HTML par défaut).")]
    if isinstance(block, ImageChooserBlock):
        return ImageRef | None
    if isinstance(block, DocumentChooserBlock):
        return DocumentRef | None
    if isinstance(block, EmbedBlock):
        return Annotated[str | None, Field(description="Adresse du média intégré.")]
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
        return str
    raise TypeError(f"No API schema for the block {type(block).__name__}")


def stream_schema(stream_block, name):
    """``list`` of ``{"type", "id", "value"}`` items, discriminated by ``type``."""
    items = []
    for child_name, child in stream_block.child_blocks.items():
        model = create_model(
            f"{name}{''.join(part.title() for part in child_name.split('_'))}Item",
            __base__=_Model,
            __doc__=_describe(child),
            type=(Literal[child_name], ...),
            id=(str | None, None),
            value=(block_schema(child), ...),
        )
        items.append(model)
    return list[Annotated[Union[tuple(items)], Field(discriminator="type")]]  # noqa: UP007


DescriptionSchema = stream_schema(DescriptionBlock(), "Description")
ReportSchema = stream_schema(ReportBlock(), "Report")


# -- the rencontre ---------------------------------------------------------------------


class RencontreFields(Schema):
    """The fields of a rencontre, beside Wagtail's ``id``, ``title`` and ``meta``."""

    departement: Departement | None = Field(description="Le département, ou null.")
    start: datetime = Field(description="Début, heure locale de la rencontre avec décalage.")
    end: datetime = Field(description="Fin, heure locale de la rencontre avec décalage.")
    timezone: str = Field(description="Fuseau horaire IANA des dates, par exemple Europe/Paris.")
    format: RencontreFormat
    format_label: str = Field(description="Libellé du format dans la langue de la page.")
    status: RencontreStatus
    status_label: str = Field(description="Libellé du statut dans la langue de la page.")
    is_past: bool = Field(description="Vrai quand la rencontre est terminée.")
    is_upcoming: bool = Field(description="Vrai tant que la rencontre n’est pas terminée.")
    place: Place | None = Field(description="Le lieu ; null pour une rencontre en ligne.")
    online_url: str | None = Field(description="Lien de la rencontre en ligne ou hybride.")
    organisers: list[Organiser] = Field(description="Les organisateurs, dans l’ordre.")
    registration: Registration
    image: ImageRef | None = Field(description="Image d’illustration.")
    description: DescriptionSchema = Field(  # type: ignore[valid-type]
        description=(
            "Description : les sections « Pourquoi ? » (pourquoi), « Pour et avec qui ? » "
            "(pour_qui), « Comment ? » (comment) et libres (section), chacune "
            "{heading, introduction, items}, puis textes, images, documents, citations "
            "et médias."
        )
    )
    report: ReportSchema = Field(description="Compte rendu, après la rencontre.")  # type: ignore[valid-type]
    attendance: int | None = Field(description="Nombre de participants.")
    distance_km: float | None = Field(
        None,
        description="Distance en km du lieu demandé par `near` (à 0,1 km près) ; null sans `near`.",
    )


class RencontreMetaExtra(Schema):
    last_published_at: datetime | None = Field(
        None, description="Dernière publication (filtre `updated_since`)."
    )
    history_url: str | None = Field(
        None, description="Page publique de l’historique des versions publiées."
    )
    history_api_url: str | None = Field(None, description="Historique dans cette API.")


__all__ = [
    "DescriptionSchema",
    "Departement",
    "DocumentRef",
    "ImageRef",
    "Organiser",
    "Place",
    "Region",
    "Registration",
    "RencontreFields",
    "RencontreMetaExtra",
    "ReportSchema",
    "block_schema",
    "stream_schema",
]
