"""``manage.py import_decidim``: Decidim exports in, rencontre pages out, again and again."""

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from rencontres.models import ImportRecord, RencontreIndexPage, RencontrePage
from tests.factories import RencontrePageFactory

from .conftest import DATA, TerminalIO

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DESCRIPTION_LABEL = (
    "Description (présentation du contexte de la rencontre mentionnant les organisateurs)"
)


def page(decidim_id):
    return RencontrePage.objects.get(decidim_id=decidim_id, locale=Locale.get_default())


def revisions(rencontre):
    return Revision.page_revisions.filter(object_id=str(rencontre.pk)).count()


def log_actions(rencontre):
    return sorted(PageLogEntry.objects.filter(page=rencontre).values_list("action", flat=True))


def items(rencontre, kind):
    block = next(block for block in rencontre.description if block.block_type == kind)
    return list(block.value["items"])


def bookkeeping():
    """What an import writes besides pages: compared before and after a no-op."""
    return (
        Page.objects.count(),
        Revision.objects.count(),
        PageLogEntry.objects.count(),
        list(Page.objects.order_by("pk").values_list("pk", "latest_revision_id")),
    )


# -- first import ------------------------------------------------------------------------


def test_first_import_creates_one_published_page_per_meeting(run_import):
    out = run_import("meetings_v028.csv")

    assert "créées : 5" in out
    assert "ignorées : 0" in out
    seed = page("101")
    assert seed.live and not seed.has_unpublished_changes
    assert seed.title == "Atelier territorial Vallée du Gier"
    assert seed.decidim_url.endswith("/meetings/101")
    assert str(seed.departement) == "42 - Loire"
    assert seed.format == "presentiel"
    assert (seed.venue, seed.address, seed.postcode, seed.commune) == (
        "Maison des associations",
        "12 rue de la République",
        "42400",
        "Saint-Chamond",
    )
    assert (seed.latitude, seed.longitude) == (Decimal("45.475200"), Decimal("4.514600"))
    assert seed.access_notes.startswith("Tram T1")
    assert seed.local_start == dt.datetime(2030, 5, 16, 14, 0, tzinfo=PARIS)
    assert seed.local_end == dt.datetime(2030, 5, 16, 17, 0, tzinfo=PARIS)
    assert [block.block_type for block in seed.description] == ["pourquoi", "pour_qui", "comment"]
    assert [len(items(seed, kind)) for kind in ("pourquoi", "pour_qui", "comment")] == [4, 3, 3]
    assert items(seed, "pour_qui")[1] == "Habitants et associations d’habitants"
    assert seed.registration_mode == "none"
    # As if created through Wagtail: one revision, live, and its create/publish entries.
    assert revisions(seed) == 1
    assert seed.live_revision_id == seed.latest_revision_id is not None
    assert log_actions(seed) == ["wagtail.create", "wagtail.publish"]
    assert ImportRecord.objects.get(decidim_id="101").page_id == seed.pk


def test_online_hybrid_plain_and_withdrawn_meetings(run_import):
    run_import("meetings_v028.csv")

    online = page("102")
    assert online.format == "en_ligne"
    assert online.online_url == "https://visio.example.org/contrat-de-ville"
    assert (online.registration_mode, online.registration_url, online.capacity) == (
        "link",
        "https://inscriptions.example.org/webinaire",
        100,
    )
    assert (online.address, online.postcode, online.commune) == ("", "", "")

    hybrid = page("103")
    assert hybrid.format == "hybride"
    assert str(hybrid.departement) == "971 - Guadeloupe"
    # The time keeps its offset (UTC−4): 09:00 in Pointe-à-Pitre is 13:00 UTC.
    assert hybrid.start == dt.datetime(2023, 10, 7, 13, 0, tzinfo=dt.UTC)
    assert hybrid.local_start.strftime("%H:%M") == "09:00"
    assert hybrid.registration_mode == "link"
    assert hybrid.registration_url == hybrid.decidim_url  # registrations stay on Decidim
    assert hybrid.attendance == 35
    assert hybrid.access_notes == "Parking gratuit\nAccès bus ligne 1"
    assert [block.block_type for block in hybrid.report] == ["texte"]
    assert "<b>trois priorités</b>" in hybrid.report[0].value.source
    rich = [block.value.source for block in hybrid.description if block.block_type == "texte"]
    assert rich[-1] == (
        '<p>Plus d’informations sur <a href="https://www.example.org/agenda">'
        "le site de la ville</a>.</p>"
    )

    plain = page("104")
    assert (plain.address, plain.postcode, plain.commune) == ("", "69120", "Vaulx-en-Velin")
    assert [block.block_type for block in plain.description] == ["texte"]

    assert page("105").status == "annulee"


def test_the_english_translation_is_made_through_wagtail_localize(run_import, client):
    run_import("meetings_v028.csv")

    english = Locale.objects.get(language_code="en")
    seed = page("101")
    translated = seed.get_translation(english)
    assert translated.live
    assert translated.title == "Gier Valley territorial workshop"
    assert translated.venue == "Community centre"
    assert translated.access_notes.startswith("Tram T1, Hôtel de ville stop")
    headings = [block.value["heading"] for block in translated.description]
    assert headings == ["Why?", "For and with whom?", "How?"]
    assert items(translated, "pour_qui")[1] == "Residents and residents’ associations"
    # Synchronised fields come from the French page.
    assert (translated.start, translated.departement_id) == (seed.start, seed.departement_id)
    source = TranslationSource.objects.get_for_instance(seed)
    assert Translation.objects.filter(source=source, target_locale=english).exists()
    assert StringTranslation.objects.filter(locale=english, tool_name="Decidim").exists()

    # A machine translation from Decidim stands in for a missing human one.
    assert page("102").get_translation(english).title == "Webinar: the city contract explained"
    # No English in the export: no English page.
    assert page("103").get_translation_or_none(english) is None

    response = client.get(translated.url)
    assert response.status_code == 200
    assert "Gier Valley territorial workshop" in response.content.decode()


def test_the_json_export_gives_the_same_rencontres(run_import):
    run_import("meetings_v028.json")

    seed = page("101")
    assert seed.local_start == dt.datetime(2030, 5, 16, 14, 0, tzinfo=PARIS)
    assert seed.latitude == Decimal("45.475200")
    assert [len(items(seed, kind)) for kind in ("pourquoi", "pour_qui", "comment")] == [4, 3, 3]
    assert page("102").capacity == 100
    assert page("103").start == dt.datetime(2023, 10, 7, 13, 0, tzinfo=dt.UTC)


def test_a_0_27_export_with_utc_times_and_scopes(run_import):
    out = run_import("meetings_v027.csv")

    meeting = page("201")
    assert str(meeting.departement) == "93 - Seine-Saint-Denis"
    # 0.27 wrote times in UTC without an offset: 16:00 UTC is 17:00 in Paris in March.
    assert meeting.local_start == dt.datetime(2030, 3, 14, 17, 0, tzinfo=PARIS)
    assert meeting.format == "presentiel"
    assert items(meeting, "pourquoi") == ["Partager le diagnostic", "Collecter des avis"]
    assert "ligne 3 (Decidim 202) : rencontre non publiée sur Decidim" in out
    assert not RencontrePage.objects.filter(decidim_id="202").exists()


# -- idempotency ---------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(run_import, django_assert_max_num_queries):
    run_import("meetings_v028.csv")
    before = bookkeeping()

    with django_assert_max_num_queries(8):
        out = run_import("meetings_v028.csv")

    assert "inchangées : 5" in out
    assert "créées : 0" in out and "mises à jour : 0" in out
    assert bookkeeping() == before


def test_the_json_of_an_imported_csv_changes_nothing(run_import):
    run_import("meetings_v028.csv")
    before = bookkeeping()

    out = run_import("meetings_v028.json")

    assert "inchangées : 5" in out
    assert bookkeeping() == before


def test_a_newer_export_updates_only_what_changed_as_a_published_revision(run_import):
    run_import("meetings_v028.csv")

    out = run_import("meetings_v028_update.csv")

    assert "mises à jour : 2" in out
    assert "inchangées : 3" in out
    assert (
        f"ligne 2, « Atelier territorial Vallée du Gier » (Decidim 101) : {DESCRIPTION_LABEL}, "
        "début, fin"
    ) in out
    seed = page("101")
    assert seed.local_start == dt.datetime(2030, 5, 16, 15, 0, tzinfo=PARIS)
    assert items(seed, "comment")[1] == "Goûter offert aux participants"
    assert revisions(seed) == 2
    assert seed.live_revision_id == seed.latest_revision_id
    assert log_actions(seed) == [
        "wagtail.create",
        "wagtail.edit",
        "wagtail.publish",
        "wagtail.publish",
    ]
    online = page("102")
    assert online.title == "Webinaire : le nouveau contrat de ville expliqué"
    assert online.online_url == "https://visio.example.org/contrat-de-ville-2"
    assert revisions(online) == 2
    for unchanged in ("103", "104", "105"):
        assert revisions(page(unchanged)) == 1

    # The English page follows: new times, English kept where the French did not change;
    # the new French bullet has no English yet (wagtail-localize shows the French).
    translated = seed.get_translation(Locale.objects.get(language_code="en"))
    assert translated.start == seed.start
    assert items(translated, "comment") == [
        "A workshop of about 3 hours (breaks included)",
        "Goûter offert aux participants",
        "Creative and participatory methods",
        "Facilitation and tools by Kaléido’Scop, a cooperative experienced in participation",
    ]
    assert page("102").get_translation(translated.locale).title == (
        "Webinar: the city contract explained"
    )

    # And that newer export, once imported, is itself a no-op.
    before = bookkeeping()
    assert "inchangées : 5" in run_import("meetings_v028_update.csv")
    assert bookkeeping() == before


def test_what_an_editor_changed_here_is_kept_and_reported(run_import):
    run_import("meetings_v028.csv")
    seed = page("101")
    # An editor shortens « Comment ? » and renames the venue, here.
    description = list(seed.description.raw_data)
    comment = next(block for block in description if block["type"] == "comment")
    comment["value"]["items"] = comment["value"]["items"][:2]
    seed.description = description
    seed.venue = "Maison des associations (salle 2)"
    seed.save_revision().publish()

    out = run_import("meetings_v028_update.csv")

    assert "Conflits" in out
    assert f"(Decidim 101) [fr] : {DESCRIPTION_LABEL}" in out
    seed = page("101")
    assert items(seed, "comment") == [
        "Atelier de 3h environ (pauses comprises)",
        "Méthodologies créatives et participatives",
    ]
    assert seed.venue == "Maison des associations (salle 2)"  # Decidim did not change it
    assert seed.local_start == dt.datetime(2030, 5, 16, 15, 0, tzinfo=PARIS)  # Decidim did
    assert revisions(seed) == 3
    assert seed.live_revision_id == seed.latest_revision_id


def test_a_page_with_unpublished_changes_gets_the_update_as_a_draft(run_import):
    run_import("meetings_v028.csv")
    online = page("102")
    online.access_notes = "Lien envoyé la veille."
    online.save_revision()  # a draft, not published

    out = run_import("meetings_v028_update.csv")

    assert "(en brouillon : la page a des modifications non publiées)" in out
    online = page("102")
    assert online.online_url == "https://visio.example.org/contrat-de-ville"  # live: unchanged
    draft = online.get_latest_revision_as_object()
    assert draft.online_url == "https://visio.example.org/contrat-de-ville-2"
    assert draft.access_notes == "Lien envoyé la veille."


def test_a_page_deleted_here_is_not_created_again(run_import):
    run_import("meetings_v028.csv")
    page("104").delete()

    out = run_import("meetings_v028_update.csv")

    assert (
        "(Decidim 104) : la rencontre a été supprimée sur ce site depuis le dernier import" in out
    )
    assert not RencontrePage.objects.filter(decidim_id="104").exists()


# -- bad input -----------------------------------------------------------------------------


def test_rows_with_errors_are_reported_and_the_others_imported(run_import):
    out = run_import("meetings_errors.csv")

    assert "créées : 2" in out
    assert "ignorées : 5" in out
    assert "ligne 4 (Decidim 302) : titre manquant (title/fr)" in out
    assert "ligne 6 (Decidim 303) : date de début illisible : « le 12 septembre »" in out
    assert "ligne 8 (Decidim 304) : département inconnu : « 99 - Nulle part »" in out
    assert (
        "ligne 10 (Decidim 305) : la fin (2030-09-12 10:00:00 +0200) n’est pas après le début "
        "(2030-09-12 12:00:00 +0200)"
    ) in out
    assert (
        "ligne 13 (Decidim 307) : commune : Indiquez la commune d’une rencontre en présentiel "
        "ou hybride."
    ) in out
    imported = set(
        RencontrePage.objects.exclude(decidim_id="").values_list("decidim_id", flat=True)
    )
    assert imported >= {"301", "306"}
    assert imported.isdisjoint({"302", "303", "304", "305", "307"})


@pytest.mark.parametrize(
    ("name", "content", "detail"),
    [
        ("not_decidim.csv", None, "colonnes manquantes : id, title/fr, start_time, end_time"),
        ("not_decidim.json", None, "pas une liste de rencontres"),
        ("export.pdf", b"%PDF-1.7\n1 0 obj\x00\x01", "ce n’est pas un fichier texte"),
        ("vide.csv", b"   \n", "le fichier est vide"),
        ("tronque.json", b'[{"id": 1, "title": {"fr": "A"}', "JSON illisible"),
    ],
)
def test_a_file_that_is_not_a_decidim_export_is_refused_before_anything_is_written(
    run_import, tmp_path, name, content, detail
):
    path = DATA / name
    if content is not None:
        path = tmp_path / name
        path.write_bytes(content)
    before = bookkeeping()

    with pytest.raises(CommandError) as refused:
        run_import(str(path))

    message = str(refused.value)
    assert f"« {name} » n’est pas un export de rencontres Decidim ({detail}" in message
    assert "Rien n’a été importé." in message
    assert bookkeeping() == before
    assert not ImportRecord.objects.exists()


def test_dry_run_reports_and_writes_nothing(run_import):
    before = bookkeeping()

    out = run_import("meetings_v028.csv", "--dry-run")

    assert "Simulation (--dry-run) : rien n’a été enregistré." in out
    assert "seraient créées : 5" in out
    assert bookkeeping() == before
    assert not ImportRecord.objects.exists()
    assert not Locale.objects.filter(language_code="en").exists()

    run_import("meetings_v028.csv")
    before = bookkeeping()
    out = run_import("meetings_v028_update.csv", "--dry-run")

    assert "seraient mises à jour : 2" in out
    assert "(Decidim 102) : Titre, lien de la rencontre en ligne" in out
    assert bookkeeping() == before
    assert page("102").online_url == "https://visio.example.org/contrat-de-ville"
    assert "inchangées : 3" in run_import("meetings_v028_update.csv", "--dry-run")


def test_an_interrupted_import_leaves_no_half_written_page(run_import):
    # A real failure in the middle of the second batch: the database refuses the revision
    # of the fourth meeting.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION tests_refuse_revision() RETURNS trigger AS $$
            BEGIN
                IF NEW.object_str LIKE '%%Vaulx-en-Velin%%' THEN
                    RAISE EXCEPTION 'panne simulée';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER tests_refuse_revision BEFORE INSERT ON wagtailcore_revision
                FOR EACH ROW EXECUTE FUNCTION tests_refuse_revision();
            """
        )

    with pytest.raises(CommandError) as interrupted:
        run_import("meetings_v028.csv", "--batch-size", "2")

    assert "Import interrompu par une erreur de la base de données" in str(interrupted.value)
    assert "relancez la même commande pour terminer" in str(interrupted.value)
    # The first batch is there, complete; nothing of the second one is.
    assert set(RencontrePage.objects.values_list("decidim_id", flat=True)) >= {"101", "102"}
    assert not RencontrePage.objects.filter(decidim_id__in=["103", "104", "105"]).exists()
    rencontre_type = ContentType.objects.get_for_model(RencontrePage)
    assert (
        not Page.objects.filter(content_type=rencontre_type)
        .exclude(pk__in=RencontrePage.objects.values("pk"))
        .exists()
    )
    for rencontre in RencontrePage.objects.filter(decidim_id__in=["101", "102"]):
        assert revisions(rencontre) == 1
        assert log_actions(rencontre) == ["wagtail.create", "wagtail.publish"]
    assert set(ImportRecord.objects.values_list("decidim_id", flat=True)) == {"101", "102"}

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER tests_refuse_revision ON wagtailcore_revision")
    out = run_import("meetings_v028.csv", "--batch-size", "2")

    assert "créées : 3" in out
    assert (
        RencontrePage.objects.filter(locale=Locale.get_default()).exclude(decidim_id="").count()
        == 5
    )
    english = Locale.objects.get(language_code="en")
    assert page("101").get_translation(english).title == "Gier Valley territorial workshop"
    assert all(revisions(page(number)) == 1 for number in ("101", "102", "103", "104", "105"))
    assert "inchangées : 5" in run_import("meetings_v028.csv")


# -- command line --------------------------------------------------------------------------


def test_a_progress_bar_only_on_a_terminal(run_import):
    on_terminal = run_import("meetings_v027.csv", stdout=TerminalIO())
    assert "Rencontres [##############################] 2/2" in on_terminal

    in_a_file = run_import("meetings_v027.csv")
    assert "[#" not in in_a_file


def test_the_index_is_chosen_by_id_or_slug(run_import, site):
    other = RencontreIndexPage(title="Rencontres 2031", slug="rencontres-2031")
    site.get_parent().add_child(instance=other)

    with pytest.raises(CommandError, match="Plusieurs index des rencontres : précisez --index"):
        run_import("meetings_v027.csv")
    with pytest.raises(CommandError, match="Aucun index des rencontres n’a l’identifiant"):
        run_import("meetings_v027.csv", "--index", "inconnu")

    run_import("meetings_v027.csv", "--index", "rencontres-2031")
    assert page("201").get_parent().pk == other.pk
    assert "inchangées : 1" in run_import("meetings_v027.csv", "--index", str(other.pk))


def test_the_summary_is_in_french(run_import):
    out = io.StringIO()
    call_command("import_decidim", str(DATA / "meetings_v027.csv"), "-v", "2", stdout=out)
    text = out.getvalue()
    assert "Import de « " in text and "2 rencontres lues" in text
    assert "Créées :" in text
    assert "ligne 2, « Atelier territorial Plaine Commune » (Decidim 201)" in text


def test_a_page_that_already_has_the_decidim_id_is_not_duplicated(run_import, site):
    # Made here by hand before any import, with Decidim's id.
    by_hand = RencontrePageFactory(
        parent=site,
        title="Atelier territorial Vallée du Gier",
        decidim_id="101",
        start=dt.datetime(2030, 5, 16, 12, 0, tzinfo=dt.UTC),
        end=dt.datetime(2030, 5, 16, 15, 0, tzinfo=dt.UTC),
    )

    out = run_import("meetings_v028.csv")

    assert "créées : 4" in out
    assert RencontrePage.objects.filter(decidim_id="101", locale=Locale.get_default()).count() == 1
    # Nothing tells what this page was imported from: every value that differs from
    # Decidim's is the editors' and is kept.
    assert "(Decidim 101) [fr] :" in out
    assert page("101").pk == by_hand.pk
    assert page("101").venue == by_hand.venue
    assert "inchangées : 5" in run_import("meetings_v028.csv")


def test_a_translation_the_page_refuses_is_reported_and_retried(run_import, tmp_path):
    export = (DATA / "meetings_v028.csv").read_text(encoding="utf-8")
    too_long = "Gier Valley " + "very " * 60 + "long title"
    path = tmp_path / "long_title.csv"
    path.write_text(export.replace("Gier Valley territorial workshop", too_long), "utf-8")

    out = run_import(str(path))

    assert "créées : 5" in out
    assert "Traductions non enregistrées" in out
    assert "ligne 2 (Decidim 101) : Titre : " in out
    english = Locale.objects.get(language_code="en")
    assert page("101").get_translation_or_none(english) is None
    assert page("102").get_translation(english).live

    out = run_import("meetings_v028.csv")  # Decidim fixed it
    assert page("101").get_translation(english).title == "Gier Valley territorial workshop"
    assert revisions(page("101")) == 1


def rewritten(tmp_path, changes):
    """meetings_v028.csv with ``{(decidim id, column): value}`` changed, as a file."""
    with open(DATA / "meetings_v028.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        for (decidim_id, column), value in changes.items():
            if row[0] == decidim_id:
                row[header.index(column)] = value
    path = tmp_path / "meetings.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def test_titles_the_index_serves_long_descriptions_and_long_titles(run_import, tmp_path):
    long_text = "Un compte rendu très détaillé. " * 7000  # 217 KB in one cell
    path = rewritten(
        tmp_path,
        {
            ("101", "title/fr"): "Agenda",
            ("102", "description/fr"): f"<p>{long_text}</p>",
            ("103", "title/fr"): "T" * 300,
        },
    )

    out = run_import(str(path))

    # « agenda » is the index's calendar (…/agenda/): the page gets another address.
    assert page("101").slug == "agenda-2"
    assert page("101").url.endswith("/agenda-2/")
    # Python's CSV reader stops at 128 KB a cell by default: the file was refused whole.
    assert long_text.strip() in str(page("102").description.raw_data)
    # One French reason, not a second one under Wagtail's English « draft title ».
    assert "(Decidim 103) : Titre : Assurez-vous" in out
    assert "draft title" not in out
