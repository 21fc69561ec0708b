"""``manage.py repair_rencontre_dates``: rencontres whose dates fall outside the years
allowed (:mod:`rencontres.models.bounds`), found and repaired.

Rows written before the bounds existed, or by a path that skipped them, may hold a
date PostgreSQL stores but psycopg cannot read back (after year 9999 in UTC): every
page, feed and admin view that reaches them fails. The rows are found in SQL, without
reading those dates, in every language. Each one, unless ``--dry-run``:

* gets its dates brought to the nearest bound (a registration deadline outside them
  is removed), so that it can be read, edited and deleted again;
* is unpublished (its translations too, as each is a row of its own), and a new draft
  revision holds the repaired dates, so that the editor opens readable values;
* is listed with the stored values, the admin link and whom to ask to fix it: the
  last editor, the last publisher and the owner (``--notify`` e-mails them).
"""

import datetime as dt
import zoneinfo

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.utils import get_admin_base_url
from wagtail.models import PageLogEntry

from rencontres.conf import conf
from rencontres.models import Departement, RencontrePage, bounds
from rencontres.models.geography import zone_of

FIELD_LABELS = {
    "start": gettext_lazy("début"),
    "end": gettext_lazy("fin"),
    "registration_deadline": gettext_lazy("date limite d’inscription"),
}
MARGIN = dt.timedelta(hours=1)


def _zones():
    stored = Departement.objects.values_list("timezone", flat=True).distinct()
    return bounds.zone_names(extra=stored)


def side_q(field, side, zones):
    """A ``Q`` on rencontres whose ``field`` is before (``side="below"``) or after
    (``"above"``) the years allowed in their zone."""
    condition = Q()
    for tz_name in zones:
        zone = zoneinfo.ZoneInfo(tz_name)
        if side == "below":
            limit = Q(**{f"{field}__lt": bounds.lower_bound(zone)})
        else:
            limit = Q(**{f"{field}__gte": bounds.upper_bound(zone)})
        condition |= bounds.zone_q(tz_name) & limit
    return condition


def out_of_bounds():
    """Rows (dicts) of the rencontres with a date outside the years allowed: their id,
    for each date field whether it is below or above them, and its stored text."""
    zones = _zones()
    flags, texts, any_out = {}, {}, Q()
    for field in bounds.DATE_FIELDS:
        for side in ("below", "above"):
            condition = side_q(field, side, zones)
            flags[f"{field}_{side}"] = ExpressionWrapper(condition, output_field=BooleanField())
            any_out |= condition
        texts[f"{field}_text"] = Cast(field, output_field=TextField())
    queryset = RencontrePage.objects.filter(any_out).annotate(**flags, **texts)
    return list(
        queryset.order_by("pk").values("pk", "title", "locale__language_code", *flags, *texts)
    )


def repaired_values(row, zone):
    """The dates to store instead of the out-of-bounds ones (``{field: value}``)."""
    values = {}
    for field in ("start", "end"):
        if row[f"{field}_below"]:
            values[field] = bounds.lower_bound(zone)
        elif row[f"{field}_above"]:
            values[field] = bounds.upper_bound(zone) - MARGIN
    if row["registration_deadline_below"] or row["registration_deadline_above"]:
        values["registration_deadline"] = None
    return values


def keep_end_after_start(page):
    """After the repair, the end follows the start again (one hour later, within the
    years allowed)."""
    if page.end > page.start:
        return
    zone = page.tzinfo
    page.end = min(page.start + MARGIN, bounds.upper_bound(zone) - dt.timedelta(minutes=1))
    if page.end <= page.start:
        page.start = page.end - MARGIN


def responsible_users(page):
    """Who should fix the page: its last editor, last publisher and owner (active)."""
    candidates = []
    if page.latest_revision_id:
        candidates.append(page.latest_revision.user)
    publication = (
        PageLogEntry.objects.filter(page=page, action="wagtail.publish")
        .exclude(user=None)
        .order_by("-timestamp", "-pk")
        .first()
    )
    if publication is not None:
        candidates.append(publication.user)
    candidates.append(page.owner)
    users = []
    for user in candidates:
        if user is not None and user.is_active and user not in users:
            users.append(user)
    return users


def describe_user(user):
    name = user.get_full_name() or user.get_username()
    return f"{name} <{user.email}>" if user.email else name


class Command(BaseCommand):
    help = _(
        "Trouve les rencontres dont une date sort des années %(min)s à %(max)s, ramène "
        "ces dates dans l’intervalle, dépublie les rencontres et indique qui doit les "
        "corriger."
    ) % {"min": bounds.MIN_YEAR, "max": bounds.MAX_YEAR}

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Lister seulement, sans rien modifier."),
        )
        parser.add_argument(
            "--notify",
            action="store_true",
            help=_("Écrire aux personnes qui doivent corriger chaque rencontre."),
        )

    def handle(self, *args, **options):
        with translation.override(conf.source_language):
            rows = out_of_bounds()
            if not rows:
                self.stdout.write(
                    _("Aucune rencontre n’a de date hors des années %(min)s à %(max)s.")
                    % {"min": bounds.MIN_YEAR, "max": bounds.MAX_YEAR}
                )
                return
            for row in rows:
                page = None if options["dry_run"] else self.repair(row)
                self.report(row, page, notify=options["notify"] and page is not None)
            if options["dry_run"]:
                summary = _("%(n)s rencontre(s) à réparer (rien n’a été modifié).")
            else:
                summary = _("%(n)s rencontre(s) réparée(s) et dépubliée(s).")
            self.stdout.write(summary % {"n": len(rows)})

    @transaction.atomic
    def repair(self, row):
        departement = (
            RencontrePage.objects.filter(pk=row["pk"]).values_list("departement", flat=True).get()
        )
        zone = zone_of(Departement.objects.filter(pk=departement).first())
        # Written in SQL first: until then the row cannot even be read.
        RencontrePage.objects.filter(pk=row["pk"]).update(**repaired_values(row, zone))
        page = RencontrePage.objects.get(pk=row["pk"])
        keep_end_after_start(page)
        page.save(update_fields=["start", "end", "registration_deadline"], clean=False)
        if page.live:
            page.unpublish(user=None, log_action=True)
        # The editor opens the latest revision: it holds the repaired dates.
        page.save_revision(user=None, log_action=True, clean=False)
        return page

    def report(self, row, page, *, notify):
        values = ", ".join(
            _("%(field)s : %(value)s")
            % {"field": FIELD_LABELS[field], "value": row[f"{field}_text"]}
            for field in bounds.DATE_FIELDS
            if row[f"{field}_below"] or row[f"{field}_above"]
        )
        lines = [
            _("« %(title)s » (%(language)s, page %(id)s) — %(values)s")
            % {
                "title": row["title"],
                "language": row["locale__language_code"],
                "id": row["pk"],
                "values": values,
            }
        ]
        if page is not None:
            edit_url = get_admin_base_url() + reverse("wagtailadmin_pages:edit", args=[page.pk])
            users = responsible_users(page)
            lines.append(
                _("  dates ramenées entre %(min)s et %(max)s, rencontre dépubliée : %(url)s")
                % {"min": bounds.MIN_YEAR, "max": bounds.MAX_YEAR, "url": edit_url}
            )
            lines.append(
                _("  à corriger par : %(users)s")
                % {
                    "users": ", ".join(describe_user(user) for user in users)
                    or _("personne (ni auteur ni propriétaire connu)")
                }
            )
            if notify:
                self.notify(page, users, values, edit_url)
        for line in lines:
            self.stdout.write(line)

    def notify(self, page, users, values, edit_url):
        recipients = [user.email for user in users if user.email]
        if not recipients:
            return
        send_mail(
            _("Rencontre à corriger : « %(title)s »") % {"title": page.title},
            _(
                "Bonjour,\n\nLa rencontre « %(title)s » avait une date hors des années "
                "%(min)s à %(max)s (%(values)s). Elle a été dépubliée et ses dates ramenées "
                "dans l’intervalle en attendant votre correction :\n%(url)s\n\n"
                "Corrigez ses dates, puis publiez-la à nouveau."
            )
            % {
                "title": page.title,
                "min": bounds.MIN_YEAR,
                "max": bounds.MAX_YEAR,
                "values": values,
                "url": edit_url,
            },
            None,  # DEFAULT_FROM_EMAIL
            recipients,
        )
