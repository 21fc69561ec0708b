"""The demo rencontres: the seed's two published versions and a dozen others."""

from django.test import TestCase
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from home.demo import seed
from home.demo.rencontres import load_rencontres
from rencontres.models import RencontrePage
from tests.factories import build_site

SEED_SLUG = "atelier-territorial-vallee-du-gier"

# Verbatim from shared/seed/atelier-territorial-vallee-du-gier.txt (U+2019 apostrophes).
POURQUOI = [
    "Partager des éléments de diagnostic issus des quartiers populaires concernés",
    "Collecter des avis, préconisations pour le futur contrat de ville",
    "Mobiliser habitants et acteurs pour les Assises de la politique de la ville",
    "Engager une dynamique de concertation territoriale pour l\u2019application du futur "
    "contrat de ville métropolitain",
]
POUR_QUI = [
    "Acteurs (sociaux, culturels, économiques) des quartiers populaires",
    "Habitants et associations d\u2019habitants",
    "Agents des collectivités concernés par la politique de la ville (chefs de projet, "
    "responsables de service)",
]
COMMENT = [
    "Atelier de 3h environ (pauses comprises)",
    "Méthodologies créatives et participatives",
    "Animation et outillage par Kaléido\u2019Scop, coopérative expérimentée sur les enjeux et "
    "outils de la participation : méthodes reproductibles et transmises pour d\u2019autres "
    "temps de concertation sur les territoires",
]


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, _index = build_site()
        cls.index = load_rencontres(cls.home)

    def seed_page(self):
        return RencontrePage.objects.get(slug=SEED_SLUG)

    def revisions(self, page):
        return list(
            Revision.page_revisions.filter(object_id=str(page.pk)).order_by("created_at", "pk")
        )

    def test_seed_has_two_published_revisions(self):
        page = self.seed_page()
        revisions = self.revisions(page)
        self.assertEqual(len(revisions), 2)
        self.assertTrue(page.live)
        self.assertEqual(page.live_revision_id, revisions[-1].pk)
        published = PageLogEntry.objects.filter(page=page, action="wagtail.publish")
        self.assertEqual(
            sorted(published.values_list("revision_id", flat=True)),
            sorted(revision.pk for revision in revisions),
        )

    def test_latest_revision_has_the_verbatim_sections(self):
        page = self.seed_page()
        latest = self.revisions(page)[-1].as_object()
        self.assertEqual(str(latest.departement), "42 - Loire")
        sections = {child.block_type: child.value for child in latest.description}
        self.assertEqual(list(sections), ["pourquoi", "pour_qui", "comment"])
        self.assertEqual(sections["pourquoi"]["heading"], "Pourquoi ?")
        self.assertEqual(sections["pour_qui"]["heading"], "Pour et avec qui ?")
        self.assertEqual(sections["comment"]["heading"], "Comment ?")
        self.assertEqual(list(sections["pourquoi"]["items"]), POURQUOI)
        self.assertEqual(list(sections["pour_qui"]["items"]), POUR_QUI)
        self.assertEqual(list(sections["comment"]["items"]), COMMENT)
        self.assertEqual([len(POURQUOI), len(POUR_QUI), len(COMMENT)], [4, 3, 3])
        # Typographic apostrophes, never the typewriter one.
        text = " ".join(POURQUOI + POUR_QUI + COMMENT)
        self.assertEqual(text.count("\u2019"), 4)
        self.assertNotIn("'", text)
        self.assertEqual(
            seed.POURQUOI + seed.POUR_QUI + seed.COMMENT, POURQUOI + POUR_QUI + COMMENT
        )

    def test_first_revision_has_no_departement_and_no_description(self):
        first = self.revisions(self.seed_page())[0].as_object()
        self.assertIsNone(first.departement)
        self.assertEqual(len(first.description), 0)

    def test_seed_facts(self):
        page = self.seed_page()
        self.assertEqual(page.title, "Atelier territorial Vallée du Gier")
        self.assertEqual(page.format, "presentiel")
        self.assertEqual(page.end - page.start, timezone.timedelta(hours=3))
        self.assertEqual(
            [link.organisation.name for link in page.organisers.all()], ["Kaléido\u2019Scop"]
        )

    def test_others_are_spread_over_france_formats_statuses_and_time(self):
        others = list(
            RencontrePage.objects.child_of(self.index)
            .exclude(slug=SEED_SLUG)
            .select_related("departement__region")
        )
        self.assertGreaterEqual(len(others), 12)
        departements = {p.departement.code for p in others if p.departement}
        regions = {
            p.departement.region.name for p in others if p.departement and p.departement.region
        }
        self.assertGreaterEqual(len(departements), 6)
        self.assertGreaterEqual(len(regions), 4)
        self.assertEqual({p.format for p in others}, {"presentiel", "en_ligne", "hybride"})
        self.assertEqual({p.status for p in others}, {"prevue", "complete", "reportee", "annulee"})
        self.assertTrue(any(p.is_past for p in others))
        self.assertTrue(any(not p.is_past for p in others))
        for page in others:
            self.assertTrue(page.live, page.title)
            self.assertGreater(len(page.description), 0, page.title)
            page.full_clean()  # every demo rencontre passes the admin's rules

    def test_second_run_creates_nothing(self):
        pages = RencontrePage.objects.count()
        revisions = Revision.page_revisions.count()
        index = load_rencontres(self.home)
        self.assertEqual(index.pk, self.index.pk)
        self.assertEqual(RencontrePage.objects.count(), pages)
        self.assertEqual(Revision.page_revisions.count(), revisions)
