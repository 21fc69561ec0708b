"""Every block of the description and the report: icon, template, preview value and
description, and a preview the block picker can show."""

from django.test import TestCase
from django.urls import reverse

from rencontres.models import RencontrePage
from tests.factories import superuser
from tests.html import soup, text

STREAM_FIELDS = ("description", "report")

# Text each block's preview shows (its preview value, rendered by its template).
PREVIEW_TEXT = {
    "pourquoi": "Partager des éléments de diagnostic",
    "pour_qui": "Habitants et associations d’habitants",
    "comment": "Atelier de 3h environ",
    "section": "Ateliers en petits groupes",
    "texte": "Les ateliers territoriaux réunissent habitants",
    "image": "Atelier territorial, 2023",
    "document": "Programme de la rencontre (PDF)",
    "citation": "Les habitants sont les premiers experts de leur quartier.",
    "media": "Vidéo ou média intégré",
}


def child_blocks(field_name):
    return RencontrePage._meta.get_field(field_name).stream_block.child_blocks


class BlockTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_every_block_has_icon_template_preview_and_description(self):
        for field_name in STREAM_FIELDS:
            for name, block in child_blocks(field_name).items():
                with self.subTest(field=field_name, block=name):
                    self.assertTrue(block.meta.icon and block.meta.icon != "placeholder")
                    self.assertTrue(block.meta.template)
                    self.assertTrue(hasattr(block.meta, "preview_value"))
                    self.assertIsNotNone(block.meta.preview_value)
                    self.assertTrue(str(block.get_description()).strip())
                    self.assertTrue(block.is_previewable)
                    self.assertTrue(block.__doc__)

    def test_description_starts_with_the_three_sections(self):
        blocks = child_blocks("description")
        self.assertEqual(list(blocks)[:3], ["pourquoi", "pour_qui", "comment"])
        self.assertEqual(
            [str(blocks[name].label) for name in ("pourquoi", "pour_qui", "comment")],
            ["Pourquoi ?", "Pour et avec qui ?", "Comment ?"],
        )
        self.assertEqual(
            set(blocks),
            {
                "pourquoi",
                "pour_qui",
                "comment",
                "section",
                "texte",
                "image",
                "document",
                "citation",
                "media",
            },
        )
        label = RencontrePage._meta.get_field("description").verbose_name
        self.assertEqual(
            str(label),
            "Description (présentation du contexte de la rencontre mentionnant les organisateurs)",
        )

    def test_admin_renders_each_preview(self):
        for field_name in STREAM_FIELDS:
            for name, block in child_blocks(field_name).items():
                with self.subTest(field=field_name, block=name):
                    response = self.client.get(
                        reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
                    )
                    self.assertEqual(response.status_code, 200)
                    main = text(soup(response).find("main"))
                    self.assertIn(PREVIEW_TEXT[name], main)

    def test_section_template_lists_the_items(self):
        block = child_blocks("description")["pourquoi"]
        html = block.render(
            block.to_python(
                {
                    "heading": "Pourquoi ?",
                    "introduction": "",
                    "items": ["Partager un diagnostic", " ", "Collecter des avis"],
                }
            )
        )
        section = soup(html)
        self.assertEqual(text(section.find("h2")), "Pourquoi ?")
        self.assertEqual(
            [text(li) for li in section.find_all("li")],
            ["Partager un diagnostic", "Collecter des avis"],
        )
