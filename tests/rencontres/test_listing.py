"""The public listing: filters, search, order, count, cards, pagination, bad input."""

import datetime as dt

import pytest
from django.test import TestCase, override_settings
from django.utils import timezone

from rencontres.models import Departement
from tests.clock import frozen

from .public import (
    card_titles,
    count_text,
    gier_rencontre,
    in_days,
    in_minutes,
    inline_text,
    make_private,
    online_rencontre,
    organisation,
    publish,
    rencontre,
    site,
    soup,
    text,
)


@frozen
class ListingTests(TestCase):
    """One set of rencontres for every listing test (built once, the clock stopped: one
    ended a minute ago, one ends in a minute)."""

    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.url = cls.index.url
        cls.kaleido = organisation("Kaléido’Scop")
        cls.anct = organisation("Agence nationale de la cohésion des territoires")
        r = rencontre
        i = cls.index
        cls.soon = online_rencontre(
            i,
            start=in_minutes(-60),
            end=in_minutes(60),
        )  # under way, ends within the hour: still upcoming (an hour of slack for a slow run)
        cls.gier = gier_rencontre(i, start=in_days(5, 14), organisers=[cls.kaleido])
        cls.paris = r(
            i,
            title="Atelier territorial Nord Est de Paris",
            departement_code="75",
            format="hybride",
            status="complete",
            online_url="https://visio.example.org/p",
            postcode="75019",
            commune="Paris",
            start=in_days(10, 9),
            organisers=[cls.anct, cls.kaleido],
        )
        cls.cancelled = r(
            i,
            title="Rencontre de Firminy",
            status="annulee",
            postcode="42700",
            commune="Firminy",
            start=in_days(20, 18),
        )
        cls.noumea = r(
            i,
            title="Atelier de Nouméa",
            departement_code="988",
            status="reportee",
            postcode="98800",
            commune="Nouméa",
            start=in_days(30, 8),
        )
        cls.lyon = r(
            i,
            title="Atelier de Vaulx-en-Velin",
            departement_code="69",
            postcode="69120",
            commune="Vaulx-en-Velin",
            start=in_minutes(-180),
            end=in_minutes(-1),
        )  # ended one minute ago: past
        cls.old = r(
            i,
            title="Atelier de Saint-Chamond",
            postcode="42400",
            commune="Saint-Chamond",
            start=in_days(-400, 14),
        )
        # Never shown: a draft, a private page, an unpublished change of a live page.
        cls.draft = r(i, title="Atelier en préparation", start=in_days(3, 10))
        cls.draft.unpublish()
        cls.private = r(i, title="Atelier réservé", start=in_days(4, 10))
        make_private(cls.private)
        cls.changed = r(
            i, title="Atelier de Roanne", postcode="42300", commune="Roanne", start=in_days(40, 10)
        )
        cls.changed.title = "Atelier secret de Roanne"
        cls.changed.commune = "Mâcon-brouillon"
        cls.changed.save_revision()

    def get(self, **params):
        response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_upcoming_first_by_start_time(self):
        response = self.get()
        self.assertEqual(
            card_titles(response),
            [
                "Point d’étape en ligne",
                "Atelier territorial Vallée du Gier",
                "Atelier territorial Nord Est de Paris",
                "Rencontre de Firminy",
                "Atelier de Nouméa",
                "Atelier de Roanne",
            ],
        )
        self.assertEqual(count_text(response), "6 rencontres trouvées")

    def test_count_is_a_live_region(self):
        status = soup(self.get()).find(id="rencontres-total")
        self.assertEqual(status["role"], "status")
        self.assertEqual(status["aria-live"], "polite")

    def test_past_rencontres_are_reachable(self):
        response = self.get()
        link = soup(response).find("a", string="Voir les rencontres passées")
        self.assertIsNotNone(link)
        past = self.client.get(link["href"])
        self.assertEqual(
            card_titles(past), ["Atelier de Vaulx-en-Velin", "Atelier de Saint-Chamond"]
        )
        back = soup(past).find("a", string="Voir les rencontres à venir")
        self.assertEqual(card_titles(self.client.get(back["href"]))[0], "Point d’étape en ligne")

    def test_ending_one_minute_ago_is_past_and_in_one_minute_is_upcoming(self):
        upcoming = card_titles(self.get(periode="a-venir"))
        past = card_titles(self.get(periode="passees"))
        self.assertIn("Point d’étape en ligne", upcoming)
        self.assertNotIn("Point d’étape en ligne", past)
        self.assertIn("Atelier de Vaulx-en-Velin", past)
        self.assertNotIn("Atelier de Vaulx-en-Velin", upcoming)

    def test_all_periods(self):
        self.assertEqual(len(card_titles(self.get(periode="toutes"))), 8)

    def test_drafts_private_pages_and_unpublished_changes_never_shown(self):
        html = self.get(periode="toutes").content.decode()
        for hidden in ("Atelier en préparation", "Atelier réservé", "secret", "brouillon"):
            self.assertNotIn(hidden, html)
        self.assertIn("Atelier de Roanne", html)
        # Not even through search on the draft's words.
        self.assertEqual(card_titles(self.get(q="secret")), [])
        self.assertEqual(card_titles(self.get(q="préparation", periode="toutes")), [])

    def test_card(self):
        card = soup(self.get()).select(".rencontre-list > li")[1]
        link = card.select_one(".fr-card__title a")
        self.assertEqual(text(link), "Atelier territorial Vallée du Gier")
        self.assertEqual(link["href"], self.gier.url)
        times = card.find_all("time")
        local_start = self.gier.local_start
        self.assertEqual(times[0]["datetime"], local_start.date().isoformat())
        self.assertEqual(times[1]["datetime"], local_start.isoformat())
        self.assertIn(local_start.strftime("%d").lstrip("0"), text(times[0]))
        badges = [text(b) for b in card.select(".fr-badge")]
        self.assertEqual(badges, ["Prévue", "Présentiel"])
        self.assertIn("42 - Loire", text(card))
        self.assertIn("Salle Jean Jaurès", text(card))

    def test_status_badges(self):
        cards = soup(self.get()).select(".rencontre-list > li")
        badges = {
            text(c.select_one(".fr-card__title")): text(c.select_one(".fr-badge")) for c in cards
        }
        self.assertEqual(badges["Atelier territorial Nord Est de Paris"], "Complète")
        self.assertEqual(badges["Rencontre de Firminy"], "Annulée")
        self.assertEqual(badges["Atelier de Nouméa"], "Reportée")

    def test_date_in_french(self):
        with timezone.override("Europe/Paris"):
            response = self.get()
        card = soup(response).select(".rencontre-list > li")[1]
        day = text(card.find("time"))
        weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        month = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ]
        start = self.gier.local_start
        self.assertEqual(
            day, f"{weekday[start.weekday()]} {start.day} {month[start.month - 1]} {start.year}"
        )
        self.assertIn(", de 14:00 à 17:00", inline_text(card.select_one(".fr-card__detail")))

    def test_overseas_rencontre_shows_its_time_zone(self):
        cards = soup(self.get(departement="988")).select(".rencontre-list > li")
        self.assertIn("heure locale (Nouvelle-Calédonie, UTC+11:00)", text(cards[0]))

    def test_filter_form_is_get_with_submit_button_fieldsets_and_legends(self):
        form = soup(self.get()).find("form", class_="rencontre-filters")
        self.assertEqual(form["method"], "get")
        # Back to the results after submitting (the form comes first on a phone).
        self.assertEqual(form["action"], f"{self.url}#resultats")
        self.assertIsNotNone(soup(self.get()).find(id="resultats"))
        self.assertEqual(
            form.find("button", type="submit").get_text(strip=True), "Afficher les rencontres"
        )
        legends = [text(legend) for legend in form.find_all("legend")]
        self.assertEqual(legends, ["Lieu", "Dates", "Type de rencontre"])
        for field in form.find_all(["input", "select"]):
            self.assertIsNotNone(form.find("label", attrs={"for": field["id"]}), field["id"])
        # No change of context without submitting (RGAA 7.4).
        self.assertNotIn("onchange", str(form))

    def test_title_says_page_and_filters(self):
        self.assertEqual(
            text(soup(self.get()).title).split(" — ")[0], "Les rencontres locales : à venir"
        )
        title = text(soup(self.get(departement="42", format="presentiel")).title)
        self.assertIn("Les rencontres locales : à venir, 42 - Loire, présentiel", title)

    def test_feeds_advertised(self):
        page = soup(self.get(departement="42"))
        rss = page.find("link", type="application/rss+xml")
        self.assertEqual(rss["href"], f"{self.url}flux/?departement=42")
        ics = page.find("a", string="S’abonner à ces rencontres dans mon agenda (.ics)")
        self.assertEqual(ics["href"], f"{self.url}agenda.ics?departement=42")
        # A filtered listing is not indexed (the unfiltered one is).
        self.assertIsNotNone(
            page.find("meta", attrs={"name": "robots", "content": "noindex, follow"})
        )
        self.assertIsNone(soup(self.get()).find("meta", attrs={"name": "robots"}))

    def test_departement(self):
        self.assertEqual(
            card_titles(self.get(departement="42")),
            ["Atelier territorial Vallée du Gier", "Rencontre de Firminy", "Atelier de Roanne"],
        )
        self.assertEqual(count_text(self.get(departement="42")), "3 rencontres trouvées")

    def test_region(self):
        self.assertEqual(
            card_titles(self.get(region="84", periode="toutes")),
            [
                "Atelier de Saint-Chamond",
                "Atelier de Vaulx-en-Velin",
                "Atelier territorial Vallée du Gier",
                "Rencontre de Firminy",
                "Atelier de Roanne",
            ],
        )

    def test_period_past_most_recent_first(self):
        self.assertEqual(
            card_titles(self.get(periode="passees")),
            ["Atelier de Vaulx-en-Velin", "Atelier de Saint-Chamond"],
        )

    def test_date_range(self):
        start = self.gier.local_start.date()
        response = self.get(du=start.isoformat(), au=(start + dt.timedelta(days=5)).isoformat())
        self.assertEqual(
            card_titles(response),
            ["Atelier territorial Vallée du Gier", "Atelier territorial Nord Est de Paris"],
        )
        # French input format too; a range alone covers the past as well.
        old = self.old.local_start.date()
        response = self.get(du=old.strftime("%d/%m/%Y"), au=old.strftime("%d/%m/%Y"))
        self.assertEqual(card_titles(response), ["Atelier de Saint-Chamond"])

    def test_date_range_in_the_rencontres_local_time(self):
        # Nouméa is 9 or 10 hours ahead of Paris: its local day is the one that counts.
        day = self.noumea.local_start.date()
        response = self.get(du=day.isoformat(), au=day.isoformat())
        self.assertEqual(card_titles(response), ["Atelier de Nouméa"])

    def test_format(self):
        self.assertEqual(card_titles(self.get(format="en_ligne")), ["Point d’étape en ligne"])
        self.assertEqual(
            card_titles(self.get(format="hybride")), ["Atelier territorial Nord Est de Paris"]
        )

    def test_status(self):
        self.assertEqual(card_titles(self.get(statut="annulee")), ["Rencontre de Firminy"])
        self.assertEqual(
            card_titles(self.get(statut="complete")), ["Atelier territorial Nord Est de Paris"]
        )

    def test_organiser(self):
        self.assertEqual(
            card_titles(self.get(organisateur=self.kaleido.pk)),
            ["Atelier territorial Vallée du Gier", "Atelier territorial Nord Est de Paris"],
        )
        options = [
            text(o)
            for o in soup(self.get()).find("select", attrs={"name": "organisateur"})("option")
        ]
        self.assertEqual(
            options,
            [
                "Tous les organisateurs",
                "Agence nationale de la cohésion des territoires",
                "Kaléido’Scop",
            ],
        )

    def test_combined_filters(self):
        self.assertEqual(
            card_titles(self.get(region="84", statut="annulee", format="presentiel")),
            ["Rencontre de Firminy"],
        )
        self.assertEqual(card_titles(self.get(departement="42", organisateur=self.anct.pk)), [])
        response = self.get(departement="42", q="gier", organisateur=self.kaleido.pk)
        self.assertEqual(card_titles(response), ["Atelier territorial Vallée du Gier"])
        self.assertEqual(count_text(response), "1 rencontre trouvée")

    def test_form_shows_the_current_filters(self):
        form = soup(self.get(departement="42", q="gier", periode="toutes")).find(
            "form", class_="rencontre-filters"
        )
        self.assertEqual(form.find("input", attrs={"name": "q"})["value"], "gier")
        selected = form.find("select", attrs={"name": "departement"}).find("option", selected=True)
        self.assertEqual(text(selected), "42 - Loire")

    def test_no_result(self):
        response = self.get(departement="01")
        self.assertEqual(count_text(response), "Aucune rencontre trouvée")
        self.assertEqual(card_titles(response), [])

    def test_search_with_period(self):
        self.assertEqual(card_titles(self.get(q="saint-chamond")), [])
        self.assertEqual(
            card_titles(self.get(q="saint-chamond", periode="passees")),
            ["Atelier de Saint-Chamond"],
        )

    def test_punctuation_and_operators_are_harmless(self):
        for query in ("l'atelier", "a & b | !c", "(", "'", ":*", "\\", "<script>", "100%", "«»"):
            with self.subTest(query=query):
                response = self.get(q=query)
                html = soup(response)
                # The query comes back as typed, in the field, with no error and a count.
                self.assertEqual(html.find("input", attrs={"name": "q"})["value"], query)
                self.assertIsNone(html.find(id="filtres-erreurs"))
                self.assertRegex(count_text(response), r"rencontres? trouvées?$")
        self.assertEqual(card_titles(self.get(q="a & b | !c")), [])

    def assertError(self, response, field_label, message):
        alert = soup(response).find(id="filtres-erreurs")
        self.assertIsNotNone(alert)
        self.assertIn(f"{field_label} : {message}", text(alert))

    def test_unknown_departement(self):
        response = self.get(departement="999", format="presentiel")
        self.assertError(
            response, "Département", "Ce département n’existe pas : choisissez-en un dans la liste."
        )
        # The other filters still apply.
        self.assertEqual(
            card_titles(response),
            [
                "Atelier territorial Vallée du Gier",
                "Rencontre de Firminy",
                "Atelier de Nouméa",
                "Atelier de Roanne",
            ],
        )
        field = soup(response).find("select", attrs={"name": "departement"})
        self.assertEqual(field["aria-invalid"], "true")
        self.assertEqual(
            text(soup(response).find(id=field["aria-describedby"])),
            "Ce département n’existe pas : choisissez-en un dans la liste.",
        )

    def test_bad_values(self):
        cases = [
            ({"region": "xx"}, "Région", "Cette région n’existe pas"),
            ({"periode": "demain"}, "Période", "Choisissez une période dans la liste."),
            ({"format": "visio"}, "Format", "Choisissez un format dans la liste."),
            ({"statut": "x"}, "Statut", "Choisissez un statut dans la liste."),
            ({"organisateur": "abc"}, "Organisateur", "Cet organisateur n’existe pas"),
            ({"organisateur": "999999"}, "Organisateur", "Cet organisateur n’existe pas"),
            ({"du": "2025-13-45"}, "Du", "Saisissez une date valide, par exemple 14/03/2025."),
            ({"au": "demain"}, "Au", "Saisissez une date valide, par exemple 14/03/2025."),
            (
                {"du": "2025-03-10", "au": "2025-03-01"},
                "Au",
                "La date de fin doit être postérieure ou égale à la date de début.",
            ),
            ({"q": "x" * 201}, "Rechercher", "La recherche est limitée à 200 caractères."),
            (
                {"du": "0001-01-01"},
                "Du",
                "Saisissez une date comprise entre le 1 janvier 2000 et le 31 décembre 2100.",
            ),
            (
                {"au": "9999-12-31"},
                "Au",
                "Saisissez une date comprise entre le 1 janvier 2000 et le 31 décembre 2100.",
            ),
            ({"departement": "\x00"}, "Département", "Le caractère nul n’est pas autorisé."),
        ]
        for params, label, message in cases:
            with self.subTest(params=params):
                self.assertError(self.get(**params), label, message)

    def test_repeated_and_unknown_parameters(self):
        # The last value of a repeated parameter counts, as in any form; unknown ones are
        # ignored.
        response = self.client.get(self.url + "?departement=42&departement=75&foo=bar")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(card_titles(response), ["Atelier territorial Nord Est de Paris"])
        field = soup(response).find("select", attrs={"name": "departement"})
        self.assertEqual(text(field.find("option", selected=True)), "75 - Paris")
        self.assertIsNone(soup(response).find(id="filtres-erreurs"))

    def test_bad_page_numbers_give_the_nearest_page(self):
        with override_settings(RENCONTRES_PER_PAGE=2):
            cases = [
                ("abc", 1, "« abc » n’est pas un numéro de page : voici la première page."),
                ("0", 1, "Les pages commencent à 1 : voici la première page."),
                ("-3", 1, "Les pages commencent à 1 : voici la première page."),
                ("99", 3, "La page 99 n’existe pas : voici la dernière page (3)."),
                ("9" * 40, 3, "La page … n’existe pas : voici la dernière page (3)."),
                ("1.5", 1, "« 1.5 » n’est pas un numéro de page : voici la première page."),
            ]
            for raw, number, message in cases:
                with self.subTest(page=raw):
                    response = self.get(page=raw)
                    current = soup(response).select_one(".fr-pagination [aria-current=page]")
                    self.assertEqual(text(current), str(number))
                    self.assertIn(message, text(soup(response).select_one(".fr-alert--info")))

    @override_settings(RENCONTRES_PER_PAGE=2)
    def test_pagination_keeps_the_filters(self):
        response = self.get(region="84", periode="toutes")
        self.assertEqual(count_text(response), "5 rencontres trouvées")
        nav = soup(response).select_one("nav.fr-pagination")
        self.assertEqual(nav["aria-label"], "Pagination")
        next_link = nav.find("a", string="Page suivante")
        self.assertEqual(next_link["href"], "?region=84&periode=toutes&page=2#resultats")
        second = self.client.get(self.url + next_link["href"])
        self.assertEqual(
            card_titles(second), ["Atelier territorial Vallée du Gier", "Rencontre de Firminy"]
        )
        self.assertIn("page 2 sur 3", text(soup(second).title))
        previous = soup(second).select_one("nav.fr-pagination").find("a", string="Page précédente")
        self.assertEqual(previous["href"], "?region=84&periode=toutes#resultats")

    @override_settings(RENCONTRES_PER_PAGE=2)
    def test_first_page_links_are_disabled(self):
        nav = soup(self.get()).select_one("nav.fr-pagination")
        first = nav.find("a", string="Première page")
        self.assertEqual(first["aria-disabled"], "true")
        self.assertFalse(first.has_attr("href"))

    def test_every_departement_is_a_choice(self):
        # Départements are the official list: every one is a choice, even without rencontre.
        options = soup(self.get()).find("select", attrs={"name": "departement"})("option")
        self.assertEqual(len(options), Departement.objects.count() + 1)


def test_publishing_again_keeps_one_card(client, db):
    """A page published twice, with two organisers, is one card (no duplicated rows)."""
    _home, index = site()
    first, second = organisation("Association A"), organisation("Association B")
    page = rencontre(index, title="Atelier unique", organisers=[first, second])
    publish(page)
    for params in ({"q": "unique"}, {"organisateur": first.pk}, {}):
        assert card_titles(client.get(index.url, params)) == ["Atelier unique"]


@pytest.mark.sqlite
def test_listing_search_and_calendar_work_on_the_quick_start_database(client, db):
    """`make run` uses SQLite: the listing, its search and its calendar work there too."""
    _home, index = site()
    gier_rencontre(index, start=in_days(5, 14))
    rencontre(index, title="Atelier de Vaulx-en-Velin", departement_code="69", start=in_days(6, 14))
    assert card_titles(client.get(index.url, {"region": "84"})) == [
        "Atelier territorial Vallée du Gier",
        "Atelier de Vaulx-en-Velin",
    ]
    assert card_titles(client.get(index.url, {"departement": "69"})) == [
        "Atelier de Vaulx-en-Velin"
    ]
    assert card_titles(client.get(index.url, {"q": "Gier"})) == [
        "Atelier territorial Vallée du Gier"
    ]
    response = client.get(f"{index.url}agenda.ics")
    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 2


def test_selectors_accept_any_date(db):
    """Callers other than the form (an API) may pass extreme dates: no overflow."""
    from rencontres.selectors import Period, RencontreFilters, listing_rencontres

    _home, index = site()
    rencontre(index, title="Atelier", start=in_days(5, 14))
    filters = RencontreFilters(period=Period.ALL, date_from=dt.date.min, date_to=dt.date.max)
    assert [page.title for page in listing_rencontres(index, filters)] == ["Atelier"]
