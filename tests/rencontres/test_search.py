"""Full-text search of the listing: Wagtail's database backend, French without accents."""

import pytest
from django.db import connection
from django.test import TestCase

from .public import card_titles, count_text, gier_rencontre, in_days, rencontre, site


def about(text):
    return [("texte", f"<p>{text}</p>")]


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = site()
        cls.url = cls.index.url
        gier_rencontre(
            cls.index, start=in_days(5, 14), description=about("Diagnostic partagé du quartier.")
        )
        rencontre(
            cls.index,
            title="Rencontre de Firminy",
            postcode="42700",
            commune="Firminy",
            start=in_days(6, 14),
            description=about("Un temps d’échange."),
        )
        rencontre(
            cls.index,
            title="Atelier de Nouméa",
            departement_code="988",
            postcode="98800",
            commune="Nouméa",
            start=in_days(7, 8),
            description=about("Les habitants prennent la parole."),
        )
        rencontre(
            cls.index,
            title="Café citoyen",
            departement_code="13",
            postcode="13015",
            commune="Marseille",
            venue="Centre social de l’Été",
            start=in_days(8, 18),
            description=about("Rénovation énergétique des logements."),
        )

    def search(self, query, **params):
        response = self.client.get(self.url, {"q": query, **params})
        self.assertEqual(response.status_code, 200)
        return card_titles(response)

    def test_accents_never_matter(self):
        for query in ("vallee", "Vallée", "VALLEE", "vallée du gier", "VALLÉE"):
            with self.subTest(query=query):
                self.assertEqual(self.search(query), ["Atelier territorial Vallée du Gier"])
        for query in ("noumea", "Nouméa", "ete", "été", "renovation energetique", "échange"):
            with self.subTest(query=query):
                self.assertEqual(len(self.search(query)), 1, query)

    def test_commune_and_postcode(self):
        for query in ("Rive-de-Gier", "rive de gier", "42800", "RIVE DE GIER"):
            with self.subTest(query=query):
                self.assertEqual(self.search(query), ["Atelier territorial Vallée du Gier"])
        self.assertEqual(self.search("13015"), ["Café citoyen"])
        self.assertEqual(self.search("marseille"), ["Café citoyen"])

    def test_departement_name(self):
        self.assertEqual(
            self.search("loire"), ["Atelier territorial Vallée du Gier", "Rencontre de Firminy"]
        )

    def test_every_word_must_match(self):
        self.assertEqual(self.search("atelier firminy"), [])
        self.assertEqual(self.search("atelier gier"), ["Atelier territorial Vallée du Gier"])

    def test_french_stemming(self):
        self.assertEqual(
            self.search("ateliers"),
            ["Atelier territorial Vallée du Gier", "Atelier de Nouméa"],
        )
        self.assertEqual(self.search("rencontres"), ["Rencontre de Firminy"])

    def test_count_and_title(self):
        response = self.client.get(self.url, {"q": "vallee"})
        self.assertEqual(count_text(response), "1 rencontre trouvée")
        self.assertIn("« vallee »", response.content.decode())

    def test_punctuation_and_operators_are_harmless(self):
        queries = (
            "l'atelier",
            "a & b | !c",
            "(",
            "'",
            ":*",
            "\\",
            "<script>",
            "100%",
            "«»",
            "   ",
            "--",
            "a:b",
            "🙂",
            "SELECT * FROM wagtailcore_page;",
        )
        for query in queries:
            with self.subTest(query=query):
                self.search(query)
        self.assertEqual(self.search("l'atelier de Nouméa"), ["Atelier de Nouméa"])


@pytest.mark.django_db
def test_french_unaccent_configuration():
    """The migration's text search configuration folds accents, then stems in French."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('french_unaccent', 'Vallée des Éléphants')::text")
        vector = cursor.fetchone()[0]
        cursor.execute("SELECT to_tsvector('french', 'Vallée')::text")
        stock = cursor.fetchone()[0]
    assert vector == "'eleph':3 'valle':1"
    assert stock == "'vall':1"  # the stock configuration keeps the accent's stem apart
