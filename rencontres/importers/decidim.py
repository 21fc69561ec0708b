"""Mapping each meeting of a Decidim export to a rencontre (reading the file:
:mod:`.reading`; one value: :mod:`.values`; the format without a meeting type:
:mod:`.inference`).

Decidim (decidim-meetings) exports meetings through its ``MeetingSerializer``, as
open data or from the admin, in CSV (``;``-separated, nested keys flattened with
``/``: ``title/fr``, ``scope/name/fr``…) or JSON (the same keys, nested). Both eras
are read:

* 0.27: ``id``, ``category``, ``scope/name/<lang>``, ``title/<lang>``,
  ``description/<lang>``, ``start_time`` / ``end_time`` as ``2023-05-10 12:00:00``
  (Rails' ``:db`` format, in UTC), ``address``, ``location/<lang>``, ``attendees``,
  ``organizations``, ``url``, ``published``…
* newer (0.28+): times with their offset (``2023-05-10T14:00:00.000+02:00`` in JSON,
  ``2023-05-10 14:00:00 +0200`` in CSV), ``location_hints``, ``latitude``,
  ``longitude``, ``type_of_meeting`` (``in_person`` / ``online`` / ``hybrid``),
  ``online_meeting_url``, ``registration_type``, ``registration_url``,
  ``registrations_enabled``, ``available_slots``, ``closing_report``, ``withdrawn``;
  0.30 replaces scopes with ``taxonomies``.

Unknown columns are ignored. Translated values may come as ``title/machine_translations/en``
when Decidim translated them automatically: used when no human translation exists.

Without ``type_of_meeting`` the format is inferred (:func:`infer_format`). A file that
is not UTF-8, nests JSON too deep or is the export of another component is refused
whole (:class:`RefusedFile`); a numeric field holding ``NaN``, an infinity or a number
out of bounds skips its row with the reason (:func:`read_number`). Containers (the
open-data ZIP) and size limits are :mod:`.files`'s job.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models.choices import (
    SINGLE_LINE_FIELDS,
    RegistrationMode,
    RencontreFormat,
    RencontreStatus,
)
from ..sanitize import one_line
from . import html as html_mapping
from .inference import InferredFormat, conference_link, infer_format
from .reading import (
    MEETINGS_EXPORT,
    NotADecidimExport,
    RefusedFile,
    SourceRow,
    export_of_name,
    parse_export,
    wrong_export_message,
)
from .values import (
    BadNumber,
    DepartementLookup,
    clean_text,
    coordinate_value,
    count_value,
    dates_out_of_bounds,
    parse_address,
    parse_datetime,
    read_bool,
    read_number,
    scope_labels,
    source_hash,
    translated,
)

# Page fields that hold text in a language (the others are the same in every language).
TRANSLATED_FIELDS = ("title", "description", "venue", "access_notes", "report")

MEETING_TYPES = {
    "in_person": RencontreFormat.PRESENTIEL,
    "online": RencontreFormat.EN_LIGNE,
    "hybrid": RencontreFormat.HYBRIDE,
}


@dataclass
class Meeting:
    """A meeting mapped to rencontre fields, ready to compare and write."""

    line: int
    decidim_id: str
    decidim_url: str
    source_hash: str
    fields: dict
    translations: dict = field(default_factory=dict)  # language → {field: value}
    inferred_format: "InferredFormat | None" = None  # when the export has no meeting type

    @property
    def title(self):
        return self.fields["title"]


@dataclass
class RowError:
    """A row that cannot be imported, and why (French, for the summary)."""

    line: int
    decidim_id: str
    reasons: list


def _one_line_fields(values):
    """Titles, places and links of a mapped row on one line (rencontres.sanitize)."""
    for name in (*SINGLE_LINE_FIELDS, "online_url", "registration_url"):
        if values.get(name):
            values[name] = one_line(values[name])


class MeetingMapper:
    """Maps a Decidim row to the fields of a rencontre, or to a :class:`RowError`."""

    def __init__(self, departements, source_language, languages):
        self.departements = departements
        self.source_language = source_language
        self.languages = [code for code in languages if code != source_language]

    def map(self, row):
        data = row.data
        reasons = []
        decidim_id = clean_text(data.get("id"))
        if not decidim_id:
            reasons.append(_("identifiant Decidim manquant"))
        source = self.source_language
        title = translated(data, "title", source)
        if not title:
            reasons.append(_("titre manquant (title/%(language)s)") % {"language": source})

        if "published" in data and not read_bool(data.get("published")):
            return RowError(row.line, decidim_id, [_("rencontre non publiée sur Decidim")])
        if read_bool(data.get("private_meeting")) and not read_bool(data.get("transparent", True)):
            return RowError(row.line, decidim_id, [_("rencontre privée sur Decidim")])

        start = end = None
        for key, label in (("start_time", _("début")), ("end_time", _("fin"))):
            value = data.get(key)
            try:
                parsed = parse_datetime(value)
            except ValueError:
                if clean_text(value):
                    reasons.append(
                        _("date de %(what)s illisible : « %(value)s »")
                        % {"what": label, "value": clean_text(value)}
                    )
                else:
                    reasons.append(_("date de %(what)s manquante") % {"what": label})
                continue
            if key == "start_time":
                start = parsed
            else:
                end = parsed
        if start and end and end <= start:
            reasons.append(
                _("la fin (%(end)s) n’est pas après le début (%(start)s)")
                % {
                    "end": clean_text(data.get("end_time")),
                    "start": clean_text(data.get("start_time")),
                }
            )

        departement = None
        for kind, label in scope_labels(data, source):
            if kind == "taxonomy" and not self.departements.looks_like_departement(label):
                continue  # a theme, not a place
            try:
                departement = self.departements.find(label)
            except KeyError:
                reasons.append(_("département inconnu : « %(label)s »") % {"label": label})
            break
        reasons += dates_out_of_bounds(
            data, [("start_time", _("début"), start), ("end_time", _("fin"), end)], departement
        )

        meeting_type = clean_text(data.get("type_of_meeting"))
        address_text = clean_text(data.get("address"))
        online_url = clean_text(data.get("online_meeting_url"))
        inferred = None
        if meeting_type:
            format_ = MEETING_TYPES.get(meeting_type)
            if format_ is None:
                reasons.append(
                    _("type de rencontre inconnu : « %(value)s »") % {"value": meeting_type}
                )
        else:
            inferred = infer_format(
                address_text,
                translated(data, "location", source),
                translated(data, "location_hints", source),
                online_url,
            )
            format_, online_url = inferred.format, inferred.online_url

        numbers = {}
        attendees_key = "attendees_count" if "attendees_count" in data else "attendees"
        for key in ("latitude", "longitude", "available_slots", attendees_key):
            try:
                numbers[key] = read_number(data, key)
            except BadNumber as error:
                reasons.append(str(error))

        if reasons:
            return RowError(row.line, decidim_id, reasons)

        address, postcode, commune = parse_address(address_text)
        decidim_url = clean_text(data.get("url"))
        registration_type = clean_text(data.get("registration_type"))
        registration_url = clean_text(data.get("registration_url"))
        mode, link = RegistrationMode.NONE, ""
        if registration_type == "on_different_platform" and registration_url:
            mode, link = RegistrationMode.LINK, registration_url
        elif registration_type in ("on_this_platform", "") and read_bool(
            data.get("registrations_enabled")
        ):
            # Registrations stay on Decidim: the link leads to the meeting there.
            mode, link = RegistrationMode.LINK, registration_url or decidim_url
        slots = count_value(numbers["available_slots"])
        attendance = count_value(numbers[attendees_key])
        withdrawn = read_bool(data.get("withdrawn")) or bool(clean_text(data.get("withdrawn_at")))

        fields = {
            "title": title,
            "description": html_mapping.description_blocks(translated(data, "description", source)),
            "departement": departement,
            "start": start,
            "end": end,
            "format": format_,
            "status": RencontreStatus.ANNULEE if withdrawn else RencontreStatus.PREVUE,
            "venue": html_mapping.plain_text(translated(data, "location", source)),
            "address": address,
            "postcode": postcode,
            "commune": commune,
            "latitude": coordinate_value(numbers["latitude"]),
            "longitude": coordinate_value(numbers["longitude"]),
            "access_notes": html_mapping.plain_text(translated(data, "location_hints", source)),
            "online_url": online_url,
            "registration_mode": mode,
            "registration_url": link,
            "capacity": slots,
            "report": html_mapping.report_blocks(translated(data, "closing_report", source)),
            "attendance": attendance,
        }
        translations = {}
        for language in self.languages:
            values = {
                "title": translated(data, "title", language),
                "description": html_mapping.description_blocks(
                    translated(data, "description", language)
                ),
                "venue": html_mapping.plain_text(translated(data, "location", language)),
                "access_notes": html_mapping.plain_text(
                    translated(data, "location_hints", language)
                ),
                "report": html_mapping.report_blocks(translated(data, "closing_report", language)),
            }
            if values["title"]:  # no title, no translation worth a page
                translations[language] = values
        for values in (fields, *translations.values()):
            _one_line_fields(values)
        return Meeting(
            line=row.line,
            decidim_id=decidim_id,
            decidim_url=decidim_url,
            source_hash=source_hash(data),
            fields=fields,
            translations=translations,
            inferred_format=inferred,
        )


__all__ = [
    "BadNumber",
    "DepartementLookup",
    "InferredFormat",
    "MEETINGS_EXPORT",
    "Meeting",
    "MeetingMapper",
    "NotADecidimExport",
    "RefusedFile",
    "RowError",
    "SourceRow",
    "clean_text",
    "conference_link",
    "coordinate_value",
    "count_value",
    "export_of_name",
    "infer_format",
    "parse_address",
    "parse_datetime",
    "parse_export",
    "read_bool",
    "read_number",
    "scope_labels",
    "source_hash",
    "translated",
    "wrong_export_message",
]
