"""A rencontre as JSON-ready values: the one place that decides the API's field values.

API v2 (:mod:`.fields`) and v3 (:mod:`.v3`) both call :data:`BODY_FIELDS` and
:data:`META_FIELDS`, so the two APIs cannot disagree on a value. :mod:`.schemas`
declares the same shape as typed models (and a test checks every v2 response
against them).

Constant queries: :func:`prefetch` fetches, in two queries for a whole list, the
images and documents that the description and report blocks of every rencontre
refer to; :func:`api_queryset` joins or prefetches the rest (département and its
région, locale, image, organisers).
"""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch
from django.utils import translation
from wagtail import blocks
from wagtail.api.rich_text import APIRichText
from wagtail.api.utils import get_full_url
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from ..dates import api_datetime
from ..history.versions import ROUTE_LIST
from ..models.choices import FORMATS_WITH_PLACE, RegistrationMode, RencontreFormat, RencontreStatus
from ..selectors import with_organisers

#: The rich text of description and report blocks is rendered HTML unless the
#: consumer asks for another format with ``?rich_text_format=``.
DEFAULT_RICH_TEXT_FORMAT = "html"

#: The StreamFields of a rencontre, by attribute name.
STREAM_FIELDS = ("description", "report")

#: The URL of a rencontre's public history, below the rencontre's own URL, when the
#: page does not route a subpage named "history".
HISTORY_SUBPATH = "changements/"


@dataclass
class Context:
    """What values depend on besides the page: the request and the API's URLs."""

    request: Any = None
    rich_text_format: str = DEFAULT_RICH_TEXT_FORMAT
    #: ``page -> path`` of the page's history in this API, or None.
    history_api_path: Any = None

    @classmethod
    def for_request(cls, request, **kwargs):
        """A context whose rich text format is the request's ``?rich_text_format=``.

        Raises :class:`wagtail.api.rich_text.RichTextFormatError` for an unknown format.
        """
        raw = request.GET.get("rich_text_format") if request is not None else None
        rich_text_format = APIRichText.resolve_format(raw) if raw else DEFAULT_RICH_TEXT_FORMAT
        return cls(request=request, rich_text_format=rich_text_format, **kwargs)

    def full_url(self, path):
        if not path:
            return None
        return get_full_url(self.request, path)


# -- queries ---------------------------------------------------------------------------


def api_queryset(queryset):
    """``queryset`` with what every field needs, fetched in a constant number of queries."""
    return with_organisers(
        queryset.select_related("locale", "departement__region", "image", "content_type")
    )


def prefetch(pages):
    """Fetch, in one query per model, the images and documents that the blocks of
    ``pages`` choose, and keep them on each page (``page._api_media``)."""
    pages = [page for page in pages if getattr(page, "_api_media", None) is None]
    if not pages:
        return
    wanted = {ImageChooserBlock: set(), DocumentChooserBlock: set()}
    for page in pages:
        for name in STREAM_FIELDS:
            stream = getattr(page, name)
            _collect(stream.stream_block, list(stream.raw_data), wanted)
    media = {}
    for block_class, model in (
        (ImageChooserBlock, get_image_model()),
        (DocumentChooserBlock, get_document_model()),
    ):
        ids = {pk for pk in wanted[block_class] if isinstance(pk, int)}
        if ids:
            media.update({(block_class, pk): obj for pk, obj in model.objects.in_bulk(ids).items()})
    for page in pages:
        page._api_media = media


def _list_items(raw):
    """A ListBlock's raw items: ``[{"type": "item", "value": …, "id": …}]`` or plain values."""
    for item in raw or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            yield item["value"]
        else:
            yield item


def _stream_items(stream_block, raw):
    for item in raw or []:
        if not isinstance(item, dict):
            continue
        child = stream_block.child_blocks.get(item.get("type"))
        if child is not None:  # a block type removed from the code since
            yield item, child


def _collect(block, raw, wanted):
    if isinstance(block, blocks.StreamBlock):
        for item, child in _stream_items(block, raw):
            _collect(child, item.get("value"), wanted)
    elif isinstance(block, blocks.ListBlock):
        for value in _list_items(raw):
            _collect(block.child_block, value, wanted)
    elif isinstance(block, blocks.StructBlock):
        raw = raw if isinstance(raw, dict) else {}
        for name, child in block.child_blocks.items():
            _collect(child, raw.get(name), wanted)
    else:
        for block_class, ids in wanted.items():
            if isinstance(block, block_class) and raw is not None:
                ids.add(raw)


# -- references to images and documents ------------------------------------------------


def image_ref(image, ctx):
    if image is None:
        return None
    return {
        "id": image.pk,
        "title": image.title,
        "alt": getattr(image, "description", "") or "",
        "width": image.width,
        "height": image.height,
        "url": ctx.full_url(image.file.url),
    }


def document_ref(document, ctx):
    if document is None:
        return None
    return {
        "id": document.pk,
        "title": document.title,
        "file_extension": document.file_extension,
        "url": ctx.full_url(document.url),
    }


# -- StreamFields ----------------------------------------------------------------------


def stream_value(stream_block, raw, page, ctx):
    """A StreamField's raw data as ``[{"type", "id", "value"}]``, following its blocks."""
    return [
        {
            "type": item["type"],
            "id": item.get("id"),
            "value": block_value(child, item.get("value"), page, ctx),
        }
        for item, child in _stream_items(stream_block, raw)
    ]


def block_value(block, raw, page, ctx):
    """One block's value: structs as objects, lists as arrays, rich text rendered,
    chosen images and documents as references (id and URL)."""
    if isinstance(block, blocks.StreamBlock):
        return stream_value(block, raw, page, ctx)
    if isinstance(block, blocks.ListBlock):
        return [block_value(block.child_block, value, page, ctx) for value in _list_items(raw)]
    if isinstance(block, blocks.StructBlock):
        raw = raw if isinstance(raw, dict) else {}
        return {
            name: block_value(child, raw.get(name), page, ctx)
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.RichTextBlock):
        return APIRichText.serialize(raw or "", format=ctx.rich_text_format)
    if isinstance(block, ImageChooserBlock):
        return image_ref(_media(page, ImageChooserBlock, raw), ctx)
    if isinstance(block, DocumentChooserBlock):
        return document_ref(_media(page, DocumentChooserBlock, raw), ctx)
    if isinstance(block, EmbedBlock):
        return raw or None
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
        return raw or ""
    return raw


def _media(page, block_class, pk):
    if pk is None:
        return None
    prefetch([page])
    return page._api_media.get((block_class, pk))


def _stream(name):
    def build(page, ctx):
        stream = getattr(page, name)
        return stream_value(stream.stream_block, list(stream.raw_data), page, ctx)

    return build


# -- the fields ------------------------------------------------------------------------


def _local_iso(value, page):
    """ISO 8601 in the rencontre's time zone, to the second (the same in v2 and v3,
    whose JSON encoder would cut microseconds to milliseconds)."""
    return api_datetime(value, page.tzinfo)


def _label(page, choices, value):
    """The label of a choice in the rencontre's own language."""
    if not value:
        return ""
    with translation.override(page.locale.language_code if page.locale_id else None):
        try:
            return str(choices(value).label)
        except ValueError:
            return value


def departement(page, ctx):
    dept = page.departement
    if dept is None:
        return None
    region = dept.region
    return {
        "code": dept.code,
        "name": dept.name,
        "region": {"code": region.code, "name": region.name} if region else None,
    }


def timezone_name(page, ctx):
    return page.tzinfo.key


def format_label(page, ctx):
    return _label(page, RencontreFormat, page.format)


def status_label(page, ctx):
    return _label(page, RencontreStatus, page.status)


def place(page, ctx):
    """Where a présentiel or hybride rencontre happens (None when it is only online)."""
    if page.format not in FORMATS_WITH_PLACE:
        return None
    return {
        "venue": page.venue,
        "address": page.address,
        "postcode": page.postcode,
        "commune": page.commune,
        "latitude": float(page.map_latitude) if page.map_latitude is not None else None,
        "longitude": float(page.map_longitude) if page.map_longitude is not None else None,
        "coordinates_source": page.map_point_source or None,
        "access_notes": page.access_notes,
    }


def organisers(page, ctx):
    return [
        {
            "id": link.organisation.pk,
            "name": link.organisation.name,
            "url": link.organisation.url or None,
            "description": link.organisation.description,
        }
        for link in page.organisers.all()
    ]


def registration(page, ctx):
    return {
        "mode": page.registration_mode,
        "mode_label": _label(page, RegistrationMode, page.registration_mode),
        "url": page.registration_url or None,
        "email": page.registration_email or None,
        "capacity": page.capacity,
        "deadline": _local_iso(page.registration_deadline, page),
    }


def distance_km(page, ctx):
    """From the place of ``near`` (annotated by the selectors' filter), or None."""
    distance = getattr(page, "distance_km", None)
    return round(distance, 1) if distance is not None else None


def history_url(page, ctx):
    """The public page listing the published versions of the rencontre."""
    base = page.get_full_url(ctx.request)
    if not base:
        return None
    try:
        subpath = page.reverse_subpage(ROUTE_LIST)
    except (AttributeError, NoReverseMatch):
        subpath = HISTORY_SUBPATH
    return base.rstrip("/") + "/" + subpath.lstrip("/")


def history_api_url(page, ctx):
    path = ctx.history_api_path(page) if ctx.history_api_path else None
    return ctx.full_url(path)


def last_published_at(page, ctx):
    return _local_iso(page.last_published_at, page)


def first_published_at(page, ctx):
    # Replaces Wagtail's (the site's zone with microseconds in v2, UTC in v3).
    return _local_iso(page.first_published_at, page)


#: Body fields, in the order of the API's responses: ``name -> (page, ctx) -> value``.
BODY_FIELDS = {
    "departement": departement,
    "start": lambda page, ctx: _local_iso(page.start, page),
    "end": lambda page, ctx: _local_iso(page.end, page),
    "timezone": timezone_name,
    "format": lambda page, ctx: page.format,
    "format_label": format_label,
    "status": lambda page, ctx: page.status,
    "status_label": status_label,
    "is_past": lambda page, ctx: page.is_past,
    "is_upcoming": lambda page, ctx: not page.is_past,
    "place": place,
    "online_url": lambda page, ctx: page.online_url or None,
    "organisers": organisers,
    "registration": registration,
    "image": lambda page, ctx: image_ref(page.image, ctx),
    "description": _stream("description"),
    "report": _stream("report"),
    "attendance": lambda page, ctx: page.attendance,
    "distance_km": distance_km,
}

#: Added to Wagtail's page ``meta`` (type, detail_url, html_url, locale…).
META_FIELDS = {
    "first_published_at": first_published_at,
    "last_published_at": last_published_at,
    "history_url": history_url,
    "history_api_url": history_api_url,
}


def represent(page, ctx, names=None):
    """The body fields of ``page`` as a dict (all of them, or ``names``)."""
    return {name: BODY_FIELDS[name](page, ctx) for name in names or BODY_FIELDS}


__all__ = [
    "BODY_FIELDS",
    "META_FIELDS",
    "Context",
    "api_queryset",
    "prefetch",
    "represent",
]
