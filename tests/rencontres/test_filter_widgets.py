"""The listing's selects, written in Python (``DsfrSelect``): byte for byte the HTML
Django's own widget templates give, whatever the options, groups, attributes and value."""

from django import forms
from django.test import TestCase

from rencontres.public.filters import DsfrSelect, RencontreFilterForm

from .public import organisation, site


def by_django(widget, name, value, attrs=None):
    """The same widget rendered through Django's templates (``forms.Select.render``)."""
    return forms.Select.render(widget, name, value, attrs)


class DsfrSelectTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        organisation("Kaléido’Scop & « amis »")
        organisation("Centre social <Crêt de Roch>")

    def test_every_select_of_the_listing_form_is_django_s_html(self):
        for data in ({}, {"departement": "42", "region": "84", "format": "presentiel"},
                     {"departement": "999", "periode": "jamais"}):  # fmt: skip
            form = RencontreFilterForm(data or None, index=self.index)
            form.is_valid()  # errors set aria-invalid and aria-describedby
            selects = [field for field in form if isinstance(field.field.widget, DsfrSelect)]
            self.assertGreaterEqual(len(selects), 6)
            for field in selects:
                widget, value = field.field.widget, field.value()
                attrs = field.build_widget_attrs({"id": field.auto_id})
                with self.subTest(field=field.name, data=data):
                    html = widget.render(field.html_name, value, attrs)
                    self.assertEqual(html, by_django(widget, field.html_name, value, attrs))
                    self.assertIn("<option", html)

    def test_groups_escaping_and_boolean_attributes(self):
        widget = DsfrSelect(
            attrs={"required": True, "disabled": False, "data-x": 'a"b<c>'},
            choices=[
                ("", "Tous"),
                ("Groupe « A & B »", [("1", "Un <b>"), ("2", "Deux & trois")]),
                ("3", "Trois"),
            ],
        )
        for value in (None, "2", "3", ["1", "3"]):
            with self.subTest(value=value):
                html = widget.render("choix", value, {"id": "id-choix"})
                self.assertEqual(html, by_django(widget, "choix", value, {"id": "id-choix"}))
        self.assertIn("Un &lt;b&gt;", widget.render("choix", None))
