"""The public change history of a page: its published versions and what each one changed.

Wagtail keeps every save as a :class:`~wagtail.models.Revision`; this module turns the
*published* ones into numbered versions, as Decidim did ("Version 2 (sur 2)"), but
without Decidim's faults:

* only publications count: a revision is a version when a ``wagtail.publish`` (or
  ``wagtail.publish.scheduled``, a scheduled revision going live) log entry names it;
  drafts, scheduled revisions that have not gone live, and every revision of a page
  that is not live and public never appear;
* a publication that changed no public field is not a version (no empty versions);
  version 1 is the first publication, every non-empty field shown as added;
* every public field is compared (the page's own fields, its title and its child
  relations such as the organisers), not a whitelist, as readable text: a département
  as ``42 - Loire``, choices by label, dates in French in the rencontre's local time,
  StreamField sections as their heading followed by ``•item`` lines, rich text as
  paragraphs, never raw HTML;
* a revision saved before a block type, a struct child or a model field was removed
  or renamed keeps what it held: the values are shown as text with a note
  ("bloc supprimé", "champ supprimé"), never silently dropped.

Public API (also used by the JSON API, see ``as_dict()``)::

    published_versions(page, language=None) -> list[Version]   # newest first
    version_changes(page, number, language=None) -> list[FieldChange]
    PageHistory(page, language=None)   # the object both use; one per request

Cost: one query loads every published revision's content with its log entry, then
one query per kind of referenced object (départements, organisations, images,
documents, pages); everything else is computed in Python. The number of queries does
not grow with the number of revisions.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import zoneinfo
from dataclasses import dataclass, field
from functools import cached_property
from itertools import zip_longest

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import ForeignObjectRel
from django.urls import NoReverseMatch
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageLogEntry

from ..conf import conf
from ..models.choices import DEFAULT_TIMEZONE

#: Log actions that mean "this revision went live".
PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")

#: Names of the routes of a page's history (see ``RencontrePage``).
ROUTE_LIST = "rencontre_history"
ROUTE_VERSION = "rencontre_history_version"
ROUTE_FEED = "rencontre_history_feed"
HISTORY_ROUTES = frozenset({ROUTE_LIST, ROUTE_VERSION, ROUTE_FEED})

# Page fields that are publishing machinery, not content.
_PAGE_FIELDS_SHOWN = ("title",)

# Revision content keys that are not fields and never content.
_NON_FIELD_KEYS = frozenset({"pk", "comments", "wagtail_admin_comments"})

BULLET = "•"


def language_name(code):
    """« Français », « English »: a content language named in itself, as language
    switchers do (a page's history is read under its own language's URL anyway)."""
    try:
        return capfirst(translation.get_language_info(code)["name_local"])
    except KeyError:
        languages = dict(conf.content_languages)
        return str(languages.get(code, code))


def cache_timeout():
    """Seconds the computed versions of a page stay cached (0: not cached)."""
    return conf.HISTORY_CACHE_TIMEOUT


def show_author():
    """Whether public pages name who published a version (default: no)."""
    return conf.HISTORY_SHOW_AUTHOR


def _missing_object_text(pk):
    return _("élément supprimé (n° %(id)s)") % {"id": pk}


def _removed_block_note(type_name):
    return _("Bloc supprimé (« %(type)s ») :") % {"type": type_name}


def _removed_field_note(name):
    return _("Champ supprimé (« %(name)s ») :") % {"name": name}


def removed_field_label(name):
    """The label of a field that the revision holds but the model no longer has."""
    return _("%(name)s (champ supprimé)") % {"name": name}


def labelled(label, value):
    return _("%(label)s : %(value)s") % {"label": capfirst(str(label)), "value": value}


# -- formatting --------------------------------------------------------------------


def format_datetime(value, tz=None, zone_label=""):
    """« jeudi 16 mars 2023 à 14:00 » in ``tz`` (the active one by default)."""
    local = timezone.localtime(value, tz) if timezone.is_aware(value) else value
    text = _("%(date)s à %(time)s") % {
        "date": formats.date_format(local, "l j F Y"),
        "time": formats.time_format(local, "H:i"),
    }
    if zone_label:
        text = _("%(datetime)s, %(zone)s") % {"datetime": text, "zone": zone_label}
    return text


def format_published_at(value, tz=None):
    """« 25 novembre 2026 à 20:02 »: when a version was published."""
    local = timezone.localtime(value, tz)
    parts = {
        "date": formats.date_format(local, "j F Y"),
        "time": formats.time_format(local, "H:i"),
    }
    if tz is None or getattr(tz, "key", DEFAULT_TIMEZONE) == DEFAULT_TIMEZONE:
        return _("%(date)s à %(time)s") % parts
    # A rencontre outside Paris's zone dates its versions in its own time: say so.
    offset = local.strftime("%z")
    parts["zone"] = f"UTC{offset[:3]}:{offset[3:]}"
    return _("%(date)s à %(time)s (%(zone)s)") % parts


def html_lines(html):
    """Readable lines of an HTML fragment: one per paragraph or heading, ``•`` per item."""
    if not html:
        return []
    soup = BeautifulSoup(str(html), "html.parser")
    lines = []

    def walk(node):
        for child in node.children:
            name = getattr(child, "name", None)
            if name is None:
                text = str(child).strip()
                if text:
                    lines.append(" ".join(text.split()))
            elif name in ("ul", "ol"):
                for item in child.find_all("li", recursive=False):
                    text = " ".join(item.get_text(" ").split())
                    if text:
                        lines.append(BULLET + text)
            elif name in ("div", "section", "article", "blockquote"):
                walk(child)
            elif name == "br":
                continue
            else:
                text = " ".join(child.get_text(" ").split())
                if text:
                    lines.append(text)

    walk(soup)
    return lines


def raw_lines(value):
    """Every text a raw (JSON) value holds, one per line: what a removed block or field held."""
    lines = []
    if value is None or isinstance(value, bool):
        return lines
    if isinstance(value, dict):
        is_block = "type" in value and "value" in value
        for key, item in value.items():
            if key == "id" or (is_block and key == "type"):
                continue
            lines += raw_lines(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            lines += raw_lines(item)
    elif isinstance(value, str):
        if "<" in value and ">" in value:
            lines += html_lines(value)
        else:
            lines += [line.strip() for line in value.splitlines() if line.strip()]
    else:
        lines.append(str(value))
    return lines


# -- references resolved in bulk -----------------------------------------------------


class Resolver:
    """Collects the objects that revisions reference, then loads them in one query per model."""

    def __init__(self):
        self.wanted = {}
        self.objects = {}

    def ref(self, model, pk):
        if pk in (None, ""):
            return None
        if isinstance(pk, dict):  # a chooser value stored as an object in old data
            pk = pk.get("id") or pk.get("pk")
            if pk is None:
                return None
        model = model._meta.concrete_model
        self.wanted.setdefault(model, set()).add(pk)
        return Ref(self, model, pk)

    def resolve(self):
        for model, pks in self.wanted.items():
            done = self.objects.setdefault(model, {})
            missing = {pk for pk in pks if pk not in done}
            if not missing:
                continue
            try:
                found = model._default_manager.in_bulk(list(missing))
            except (ValueError, TypeError, ValidationError):
                found = {}
            for pk, obj in found.items():
                done[pk] = obj
                done[str(pk)] = obj
        self.wanted = {}

    def get(self, model, pk):
        found = self.objects.get(model, {})
        return found.get(pk) if pk in found else found.get(str(pk))


class Ref:
    """A referenced object, shown by its ``str()`` once the resolver has loaded it."""

    def __init__(self, resolver, model, pk):
        self.resolver = resolver
        self.model = model
        self.pk = pk

    @property
    def object(self):
        return self.resolver.get(self.model, self.pk)

    def __str__(self):
        obj = self.object
        if obj is None:
            return _missing_object_text(self.pk)
        if isinstance(obj, Page):
            return obj.title
        return str(obj)


class Lazy:
    """A line computed once the references are resolved."""

    def __init__(self, func):
        self.func = func

    def __str__(self):
        return str(self.func())


# -- field specifications -------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """A field of a page compared by the history: its name, label and kind."""

    name: str
    label: object
    translatable: bool
    model_field: object = None
    relation: object = None  # for child relations: the ParentalKey's related model


def _translatable_names(model):
    try:
        from wagtail_localize.fields import TranslatableField, get_translatable_fields
    except ImportError:  # pragma: no cover - wagtail-localize is a dependency
        return set()
    return {
        spec.field_name
        for spec in get_translatable_fields(model)
        if isinstance(spec, TranslatableField)
    }


def history_fields(model):
    """The public fields of ``model`` compared by the history, in display order.

    A page model may list them in a ``history_fields`` attribute; by default they are
    the title, every editable field the model itself declares (not Wagtail's publishing
    fields) and its child relations (e.g. the organisers).
    """
    translatable = _translatable_names(model)
    names = getattr(model, "history_fields", None)
    if names is None:
        names = list(_PAGE_FIELDS_SHOWN)
        page_fields = {f.name for f in Page._meta.get_fields()}
        for model_field in model._meta.get_fields():
            if model_field.name in page_fields or model_field.name in names:
                continue
            if getattr(model_field, "auto_created", False) and not model_field.is_relation:
                continue
            if isinstance(model_field, models.Field) and model_field.editable:
                if (
                    isinstance(model_field, models.OneToOneField)
                    and model_field.remote_field.parent_link
                ):
                    continue
                names.append(model_field.name)
        for relation in model._meta.related_objects:
            # Child relations (not Wagtail's own, such as admin comments).
            if (
                isinstance(relation.field, ParentalKey)
                and relation.related_model._meta.app_label != "wagtailcore"
            ):
                names.append(relation.get_accessor_name())
    specs = []
    for name in names:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        relation = None
        if model_field is None or isinstance(model_field, ForeignObjectRel):
            relation = _child_relation(model, name)
            if relation is None:
                continue
            label = capfirst(relation._meta.verbose_name_plural)
            specs.append(FieldSpec(name, label, name in translatable, None, relation))
            continue
        label = capfirst(model_field.verbose_name)
        specs.append(FieldSpec(name, label, name in translatable, model_field))
    return specs


def _child_relation(model, name):
    for relation in model._meta.related_objects:
        if relation.get_accessor_name() == name and isinstance(relation.field, ParentalKey):
            return relation.related_model
    return None


def known_keys(model):
    keys = set(_NON_FIELD_KEYS)
    for model_field in model._meta.get_fields():
        keys.add(model_field.name)
        if isinstance(model_field, ForeignObjectRel):
            keys.add(model_field.get_accessor_name())
        if getattr(model_field, "attname", None):
            keys.add(model_field.attname)
    return keys


# -- revision content to lines ----------------------------------------------------------


class RevisionReader:
    """Turns one revision's content (the JSON Wagtail stores) into text lines per field."""

    def __init__(self, model, specs, resolver, known_keys):
        self.model = model
        self.specs = specs
        self.resolver = resolver
        self.known_keys = known_keys
        self.tz_field = self._find_tz_field(model)
        self._memo = {}

    @staticmethod
    def _find_tz_field(model):
        try:
            model_field = model._meta.get_field("departement")
        except FieldDoesNotExist:
            return None
        if model_field.is_relation and hasattr(model_field.related_model, "timezone"):
            return model_field
        return None

    def read(self, content):
        """``({field name: [line, …] or MISSING}, {removed field name: [line, …]})``.

        Successive revisions mostly hold the same values: each distinct raw value of a
        field is turned into lines once (and the same list object is returned).
        """
        tz_raw = None
        tz_ref = None
        if self.tz_field is not None and self.tz_field.name in content:
            tz_raw = content[self.tz_field.name]
            tz_ref = self.resolver.ref(self.tz_field.related_model, tz_raw)
        values = {}
        for spec in self.specs:
            if spec.name not in content:
                values[spec.name] = MISSING
                continue
            raw = content[spec.name]
            depends_on_tz = isinstance(spec.model_field, models.DateTimeField)
            key = (spec.name, _hashable(raw), _hashable(tz_raw) if depends_on_tz else None)
            lines = self._memo.get(key)
            if lines is None:
                lines = self._memo[key] = self.field_lines(spec, raw, tz_ref)
            values[spec.name] = lines
        removed = {}
        for name, raw in content.items():
            if name in self.known_keys:
                continue
            key = ("removed", name, _hashable(raw))
            lines = self._memo.get(key)
            if lines is None:
                lines = self._memo[key] = raw_lines(raw)
            removed[name] = lines
        return values, removed

    def field_lines(self, spec, raw, tz_ref):
        if spec.relation is not None:
            return self.child_lines(spec.relation, raw)
        model_field = spec.model_field
        if raw in (None, ""):
            return []
        if isinstance(model_field, StreamField):
            return stream_lines(model_field.stream_block, raw, self.resolver)
        if isinstance(model_field, RichTextField):
            return html_lines(raw)
        if model_field.choices:
            choices = dict(model_field.flatchoices)
            return [str(choices.get(raw, raw))]
        if model_field.is_relation:
            ref = self.resolver.ref(model_field.related_model, raw)
            return [ref] if ref is not None else []
        if isinstance(model_field, models.DateTimeField):
            value = parse_datetime(raw) if isinstance(raw, str) else raw
            if value is None:
                return [str(raw)]
            if tz_ref is None:
                return [format_datetime(value, zoneinfo.ZoneInfo(DEFAULT_TIMEZONE))]
            return [Lazy(lambda value=value, ref=tz_ref: _datetime_in_departement(value, ref))]
        if isinstance(model_field, models.DateField):
            value = parse_date(raw) if isinstance(raw, str) else raw
            return [formats.date_format(value, "l j F Y") if value else str(raw)]
        if isinstance(model_field, models.BooleanField):
            return [_("Oui") if raw else _("Non")]
        if isinstance(model_field, (models.DecimalField, models.FloatField, models.IntegerField)):
            try:
                return [formats.number_format(model_field.to_python(raw))]
            except ValidationError:
                return [str(raw)]
        if isinstance(raw, str):
            return [line.rstrip() for line in raw.splitlines() if line.strip()]
        return raw_lines(raw)

    def child_lines(self, related_model, raw):
        """One line per child object (e.g. an organiser's name), in their order."""
        if not isinstance(raw, list):
            return raw_lines(raw)
        children = sorted(
            (child for child in raw if isinstance(child, dict)),
            key=lambda child: (child.get("sort_order") is None, child.get("sort_order") or 0),
        )
        lines = []
        shown = [
            f
            for f in related_model._meta.concrete_fields
            if f.editable
            and not isinstance(f, ParentalKey)
            and not f.primary_key
            and f.name != "sort_order"
        ]
        for child in children:
            parts = []
            for child_field in shown:
                value = child.get(child_field.name, child.get(child_field.attname))
                if value in (None, ""):
                    continue
                if child_field.is_relation:
                    parts.append(self.resolver.ref(child_field.related_model, value))
                else:
                    parts.append(value)
            if parts:
                lines.append(Lazy(lambda parts=parts: " – ".join(str(part) for part in parts)))
        return lines


def _hashable(raw):
    if raw is None or isinstance(raw, (str, int, float, bool)):
        return raw
    return json.dumps(raw, sort_keys=True, default=str)


def _datetime_in_departement(value, ref):
    departement = ref.object
    if departement is None:
        return format_datetime(value, zoneinfo.ZoneInfo(DEFAULT_TIMEZONE))
    try:
        tz = zoneinfo.ZoneInfo(departement.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)
    zone_label = ""
    if tz.key != DEFAULT_TIMEZONE:
        offset = timezone.localtime(value, tz).strftime("%z")
        zone_label = _("heure locale (%(place)s, UTC%(offset)s)") % {
            "place": departement.name,
            "offset": f"{offset[:3]}:{offset[3:]}",
        }
    return format_datetime(value, tz, zone_label)


def load_stream_data(raw):
    """The list of raw blocks of a StreamField value as stored (a JSON string or a list)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError:
            return None  # text that was never a stream: shown as text
    return raw if isinstance(raw, list) else None


def stream_lines(stream_block, raw, resolver):
    """Readable lines of a stream: sections as heading + ``•item`` lines, text, media.

    Blocks whose type the StreamBlock no longer knows are kept, as a note and the
    texts they held.
    """
    data = load_stream_data(raw)
    if data is None:
        return raw_lines(raw)
    lines = []
    for child in data:
        if not isinstance(child, dict) or "type" not in child:
            lines += raw_lines(child)
            continue
        block = stream_block.child_blocks.get(child["type"])
        value = child.get("value")
        if block is None:
            lines.append(_removed_block_note(child["type"]))
            lines += raw_lines(value)
            continue
        lines += block_lines(block, value, resolver, top_level=True)
    return lines


def block_lines(block, raw, resolver, top_level=False):
    """Readable lines of one block's raw value."""
    if isinstance(block, blocks.StructBlock):
        return struct_lines(block, raw, resolver)
    if isinstance(block, blocks.StreamBlock):
        return stream_lines(block, raw, resolver)
    if isinstance(block, blocks.ListBlock):
        return list_lines(block, raw, resolver)
    if raw in (None, "", [], {}):
        return []
    if isinstance(block, blocks.RichTextBlock):
        return html_lines(raw)
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock, blocks.RawHTMLBlock)):
        if isinstance(block, blocks.RawHTMLBlock):
            return html_lines(raw)
        return [line.rstrip() for line in str(raw).splitlines() if line.strip()]
    if isinstance(block, blocks.ChooserBlock):
        ref = resolver.ref(block.model_class, raw)  # target_model may be "app.Model"
        if ref is None:
            return []
        return [Lazy(lambda ref=ref: labelled(block.label, ref))]
    if isinstance(block, blocks.ChoiceBlock):
        choices = dict(block.field.choices)
        text = str(choices.get(raw, raw))
    elif isinstance(block, blocks.BooleanBlock):
        text = _("Oui") if raw else _("Non")
    elif isinstance(block, blocks.DateTimeBlock):
        value = parse_datetime(raw) if isinstance(raw, str) else None
        text = format_datetime(value) if value else str(raw)
    elif isinstance(block, blocks.DateBlock):
        value = parse_date(raw) if isinstance(raw, str) else None
        text = formats.date_format(value, "l j F Y") if value else str(raw)
    elif isinstance(raw, (str, int, float)):
        text = str(raw)
    else:
        return raw_lines(raw)
    return [labelled(block.label, text)]


def list_lines(block, raw, resolver):
    """``•item`` lines; items may be stored as plain values or as ``{type, value, id}``."""
    if not isinstance(raw, list):
        return raw_lines(raw)
    lines = []
    for item in raw:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            item = item["value"]
        item_lines = block_lines(block.child_block, item, resolver)
        if not item_lines:
            continue
        first = item_lines[0]
        lines.append(Lazy(lambda first=first: BULLET + str(first)))
        lines += item_lines[1:]
    return lines


def struct_lines(block, raw, resolver):
    """A struct's lines: its first child as is when it is text (a section's heading, a
    quotation), the other texts labelled (« Légende : … »), lists as bullets; children
    the struct no longer has are kept, with a note."""
    if not isinstance(raw, dict):
        return raw_lines(raw)
    lines = []
    first_name = next(iter(block.child_blocks), None)
    for name, child in block.child_blocks.items():
        if name not in raw:
            continue
        sub = block_lines(child, raw[name], resolver)
        if not sub:
            continue
        is_text = isinstance(
            child, (blocks.CharBlock, blocks.TextBlock, blocks.RichTextBlock)
        ) and not isinstance(child, (blocks.URLBlock, blocks.EmailBlock))
        if is_text and name == first_name:
            lines += sub
        elif is_text:
            first = sub[0]
            lines.append(Lazy(lambda first=first, label=child.label: labelled(label, first)))
            lines += sub[1:]
        else:
            lines += sub
    for name, value in raw.items():
        if name not in block.child_blocks:
            held = raw_lines(value)
            if held:
                lines.append(_removed_field_note(name))
                lines += held
    return lines


class _Missing:
    def __repr__(self):
        return "MISSING"

    def __bool__(self):
        return False


#: A field the revision does not hold (saved before the field existed).
MISSING = _Missing()


# -- versions and changes -----------------------------------------------------------------


@dataclass
class DiffLine:
    """One line of a diff: ``kind`` is ``"removed"``, ``"added"`` or ``"unchanged"``."""

    kind: str
    text: str

    @property
    def symbol(self):
        return {"removed": "−", "added": "+"}.get(self.kind, " ")

    def as_dict(self):
        return {"kind": self.kind, "text": self.text}


@dataclass
class FieldChange:
    """What a version changed in one field, as readable text.

    ``name`` is the model field (or removed field) name, ``label`` its label in the
    active language, ``language`` the content's language code for translated fields
    (``None`` for synchronised ones), ``before``/``after`` the lines of text.
    """

    name: str
    label: object
    language: str | None
    language_name: object
    before: tuple
    after: tuple
    removed_field: bool = False

    @property
    def before_text(self):
        return "\n".join(self.before)

    @property
    def after_text(self):
        return "\n".join(self.after)

    @property
    def display_label(self):
        """The label as the public sees it: « Description (…) (Français) »."""
        if self.language_name:
            return f"{self.label} ({self.language_name})"
        return str(self.label)

    @cached_property
    def opcodes(self):
        matcher = difflib.SequenceMatcher(None, self.before, self.after, autojunk=False)
        return matcher.get_opcodes()

    @cached_property
    def diff(self):
        """Unified diff: every line, removed ones before the added ones that replace them."""
        lines = []
        for op, i1, i2, j1, j2 in self.opcodes:
            if op == "equal":
                lines += [DiffLine("unchanged", text) for text in self.before[i1:i2]]
                continue
            lines += [DiffLine("removed", text) for text in self.before[i1:i2]]
            lines += [DiffLine("added", text) for text in self.after[j1:j2]]
        return lines

    @cached_property
    def side_by_side(self):
        """Rows of ``(before DiffLine or None, after DiffLine or None)``."""
        rows = []
        for op, i1, i2, j1, j2 in self.opcodes:
            if op == "equal":
                rows += [
                    (DiffLine("unchanged", text), DiffLine("unchanged", text))
                    for text in self.before[i1:i2]
                ]
                continue
            removed = [DiffLine("removed", text) for text in self.before[i1:i2]]
            added = [DiffLine("added", text) for text in self.after[j1:j2]]
            rows += list(zip_longest(removed, added))
        return rows

    @property
    def removed_lines(self):
        return [line.text for line in self.diff if line.kind == "removed"]

    @property
    def added_lines(self):
        return [line.text for line in self.diff if line.kind == "added"]

    def as_dict(self):
        """JSON-ready: name, label, language, before and after as text, and the diff lines."""
        return {
            "name": self.name,
            "label": str(self.label),
            "display_label": self.display_label,
            "language": self.language,
            "removed_field": self.removed_field,
            "before": self.before_text,
            "after": self.after_text,
            "diff": [line.as_dict() for line in self.diff],
        }


@dataclass
class Version:
    """A publication that changed at least one public field.

    ``number`` counts from 1 (the first publication) to ``total``; ``published_at`` is
    when it went live; ``url`` is its public page (``None`` if the page has no route).
    """

    number: int
    total: int
    published_at: dt.datetime
    revision_id: int
    previous_revision_id: int | None
    url: str | None
    changes: list = field(default_factory=list)
    author: str | None = None
    tzinfo: object = None

    @property
    def is_latest(self):
        return self.number == self.total

    @property
    def title(self):
        return _("Version %(number)s (sur %(total)s)") % {
            "number": self.number,
            "total": self.total,
        }

    @property
    def published_at_text(self):
        return format_published_at(self.published_at, self.tzinfo)

    @property
    def changed_labels(self):
        return [change.display_label for change in self.changes]

    def as_dict(self, with_changes=False):
        """JSON-ready: number, total, published_at (ISO 8601), revision_id, url,
        changed_fields (names) and, with ``with_changes``, the changes themselves."""
        data = {
            "number": self.number,
            "total": self.total,
            "title": self.title,
            "published_at": self.published_at.isoformat(),
            "revision_id": self.revision_id,
            "url": self.url,
            "changed_fields": [change.name for change in self.changes],
        }
        if self.author is not None:
            data["author"] = self.author
        if with_changes:
            data["changes"] = [change.as_dict() for change in self.changes]
        return data


class VersionNotFound(LookupError):
    """No published version with that number (or the page is not public)."""


def is_public(page):
    """Live and without view restrictions (password, login, groups) on it or an ancestor."""
    return bool(page.live) and not page.get_view_restrictions().exists()


class PageHistory:
    """The published versions of one page, computed once (use one per request).

    ``language`` sets the language of labels, choices and dates (default: the active
    one). With ``require_public`` (the default), a page that is not live and public has
    no versions at all.
    """

    def __init__(self, page, language=None, *, require_public=True, request=None, public=None):
        self.page = page.specific if type(page) is Page else page
        self.language = language
        self.require_public = require_public
        self.request = request
        if public is not None:  # already checked by the caller
            self.__dict__["is_public"] = public

    # -- helpers ------------------------------------------------------------------

    @cached_property
    def is_public(self):
        return is_public(self.page)

    @cached_property
    def tzinfo(self):
        tz = getattr(self.page, "tzinfo", None)
        return tz if isinstance(tz, dt.tzinfo) else timezone.get_current_timezone()

    @cached_property
    def specs(self):
        return history_fields(type(self.page))

    @cached_property
    def language_name(self):
        """The content's language, named in itself."""
        locale = getattr(self.page, "locale", None)
        return language_name(locale.language_code) if locale is not None else None

    @cached_property
    def base_url(self):
        try:
            return self.page.get_url(self.request)
        except Exception:  # noqa: BLE001 - no site, no URL: the history still works
            return None

    def url_for(self, route, *args):
        if not self.base_url or not hasattr(self.page, "reverse_subpage"):
            return None
        try:
            return self.base_url.rstrip("/") + "/" + self.page.reverse_subpage(route, args=args)
        except NoReverseMatch:
            return None

    @property
    def list_url(self):
        return self.url_for(ROUTE_LIST)

    @property
    def feed_url(self):
        return self.url_for(ROUTE_FEED)

    def _entries(self):
        """``(revision_id, timestamp, content, user_id)`` of each publication, oldest first."""
        return list(
            self._publications()
            .order_by("timestamp", "pk")
            .values_list("revision_id", "timestamp", "revision__content", "user_id")
        )

    # -- the versions ------------------------------------------------------------------

    @cached_property
    def versions(self):
        """Every version, oldest first (``newest_first`` gives the public order).

        Cached (``RENCONTRES_HISTORY_CACHE_TIMEOUT`` seconds, default an hour; 0 turns
        the cache off) under a key that changes with every publication of the page.
        """
        if self.require_public and not self.is_public:
            return []
        language = self.language or translation.get_language()
        key = self._cache_key(language)
        versions = cache.get(key) if key else None
        if versions is None:
            with translation.override(language):
                versions = self._compute()
            if key:
                cache.set(key, versions, cache_timeout())
        for version in versions:
            version.url = self.url_for(ROUTE_VERSION, version.number)
        return versions

    def _cache_key(self, language):
        """A key naming the page's latest publication (one small query), so that any
        publication, even of a page object loaded earlier, computes the versions anew."""
        if not cache_timeout() or not self.page.pk:
            return None
        latest = (
            self._publications().order_by("-timestamp", "-pk").values_list("pk", flat=True).first()
        )
        if latest is None:
            return None
        return f"rencontres:history:{self.page.pk}:{latest}:{language}:{int(bool(show_author()))}"

    def _publications(self):
        return PageLogEntry.objects.filter(
            page_id=self.page.pk,
            action__in=PUBLISH_ACTIONS,
            revision__isnull=False,
            revision__object_id=str(self.page.pk),
        )

    @property
    def newest_first(self):
        return list(reversed(self.versions))

    def version(self, number):
        """The version ``number`` (1-based); raises :class:`VersionNotFound`."""
        if not isinstance(number, int) or not 1 <= number <= len(self.versions):
            raise VersionNotFound(number)
        return self.versions[number - 1]

    def _compute(self):
        entries = self._entries()
        model = type(self.page)
        resolver = Resolver()
        reader = RevisionReader(model, self.specs, resolver, known_keys(model))
        snapshots = [reader.read(content or {}) for _rev, _ts, content, _user in entries]
        resolver.resolve()
        finalise = _finaliser()
        snapshots = [finalise(values, removed) for values, removed in snapshots]

        authors = {}
        if show_author():
            user_ids = {user_id for *_rest, user_id in entries if user_id}
            for user in get_user_model()._default_manager.filter(pk__in=user_ids):
                full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
                authors[user.pk] = full_name or user.get_username()

        versions = []
        previous = None
        previous_revision_id = None
        for (revision_id, timestamp, _content, user_id), snapshot in zip(
            entries, snapshots, strict=True
        ):
            changes = self._changes(previous, snapshot)
            if changes:
                versions.append(
                    Version(
                        number=len(versions) + 1,
                        total=0,
                        published_at=timestamp,
                        revision_id=revision_id,
                        previous_revision_id=previous_revision_id,
                        url=None,
                        changes=changes,
                        author=authors.get(user_id, "") if show_author() else None,
                        tzinfo=self.tzinfo,
                    )
                )
            previous = snapshot
            previous_revision_id = revision_id
        for version in versions:
            version.total = len(versions)
        return versions

    def _changes(self, previous, current):
        values, removed = current
        prev_values, prev_removed = previous if previous is not None else ({}, {})
        changes = []
        for spec in self.specs:
            after = values.get(spec.name, MISSING)
            if after is MISSING:
                continue
            if previous is None:
                before = ()
            else:
                before = prev_values.get(spec.name, MISSING)
                if before is MISSING:
                    continue  # the field did not exist yet: its first value is no change
            if before == after:
                continue
            changes.append(
                FieldChange(
                    name=spec.name,
                    label=str(spec.label),
                    language=self.page.locale.language_code if spec.translatable else None,
                    language_name=str(self.language_name) if spec.translatable else None,
                    before=before,
                    after=after,
                )
            )
        for name, after in removed.items():
            before = prev_removed.get(name, MISSING) if previous is not None else ()
            if before is MISSING or before == after:
                continue
            changes.append(
                FieldChange(
                    name=name,
                    label=removed_field_label(name),
                    language=None,
                    language_name=None,
                    before=before,
                    after=after,
                    removed_field=True,
                )
            )
        return changes


def _finaliser():
    """Turns lines into tuples of text, once per distinct list of lines."""
    done = {}

    def text(lines):
        key = id(lines)
        if key not in done:
            done[key] = (lines, tuple(str(line) for line in lines))
        return done[key][1]

    def finalise(values, removed):
        return (
            {name: (lines if lines is MISSING else text(lines)) for name, lines in values.items()},
            {name: text(lines) for name, lines in removed.items()},
        )

    return finalise


# -- module API -------------------------------------------------------------------------------


def published_versions(page, language=None, request=None):
    """The published versions of ``page``, newest first: ``list[Version]``.

    Empty for a page that is not live and public. ``language`` (e.g. ``"en"``) sets
    the language of the labels and dates; by default the active language.
    Use ``version.as_dict()`` for JSON.
    """
    return PageHistory(page, language=language, request=request).newest_first


def version_changes(page, number, language=None, request=None):
    """The changes of version ``number`` of ``page``: ``list[FieldChange]``.

    Raises :class:`VersionNotFound` when there is no such published version (or the
    page is not public). Use ``change.as_dict()`` for JSON: ``name``, ``label``,
    ``display_label`` (with the content language), ``language``, ``before``, ``after``
    (plain text, one line per paragraph or ``•item``) and ``diff``.
    """
    return PageHistory(page, language=language, request=request).version(number).changes


def last_version(page, request=None):
    """The latest version of a live, public page (``None`` if it has none), for « Mis à
    jour le … » on the page itself. Its number and date are cached under a key that
    changes with every publication, so a page view costs one query (view restrictions)."""
    if not page.live or not page.pk or page.get_view_restrictions().exists():
        return None
    history = PageHistory(page, request=request, public=True)
    published = page.last_published_at.timestamp() if page.last_published_at else ""
    key = f"rencontres:history:last:{page.pk}:{page.live_revision_id}:{published}"
    cached = cache.get(key) if cache_timeout() else None
    if cached is None:
        latest = history.versions[-1] if history.versions else None
        cached = (latest.number, latest.published_at, latest.revision_id) if latest else (0,)
        if cache_timeout():
            cache.set(key, cached, cache_timeout())
    if not cached[0]:
        return None
    number, published_at, revision_id = cached
    return Version(
        number=number,
        total=number,
        published_at=published_at,
        revision_id=revision_id,
        previous_revision_id=None,
        url=history.url_for(ROUTE_VERSION, number),
        tzinfo=history.tzinfo,
    )


__all__ = [
    "MISSING",
    "FieldChange",
    "PageHistory",
    "Version",
    "VersionNotFound",
    "history_fields",
    "is_public",
    "last_version",
    "published_versions",
    "version_changes",
]
