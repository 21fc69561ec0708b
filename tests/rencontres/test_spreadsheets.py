"""Spreadsheets: the admin's export opens with its accents in a spreadsheet (UTF-8 with a
byte-order mark) and runs no formula; open data keeps the raw values for machines."""

import csv
import io

from django.test import TestCase
from openpyxl import load_workbook

from rencontres.exports import spreadsheet_safe
from tests.factories import RencontrePageFactory, build_site, superuser

HOSTILE = '=HYPERLINK("https://exemple.invalid";"Cliquez")'


class SpreadsheetSafeTests(TestCase):
    def test_formula_prefixes_get_an_apostrophe(self):
        for value in ("=1+1", "+33 4 77", "-2", "@SUM(A1)", "\tcaché", "\rligne"):
            self.assertEqual(spreadsheet_safe(value), "'" + value)

    def test_other_values_are_unchanged(self):
        for value in ("Saint-Étienne", "42 - Loire", "", 12, -4.5, None):
            self.assertEqual(spreadsheet_safe(value), value)


class AdminExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = build_site()
        cls.page = RencontrePageFactory(parent=cls.index, title=HOSTILE, commune="Saint-Étienne")
        cls.user = superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def download(self, export_format):
        response = self.client.get("/admin/rencontres/", {"export": export_format})
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content) if response.streaming else response.content

    def test_the_csv_starts_with_a_byte_order_mark_and_keeps_its_accents(self):
        body = self.download("csv")
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        cells = [cell for row in rows[1:] for cell in row]
        self.assertIn("Saint-Étienne", cells)
        self.assertIn("'" + HOSTILE, cells)
        self.assertNotIn(HOSTILE, cells)

    def test_the_xlsx_holds_the_title_as_text(self):
        sheet = load_workbook(io.BytesIO(self.download("xlsx"))).active
        cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        self.assertIn("'" + HOSTILE, cells)
        formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        self.assertEqual(formulas, [])


class OpenDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, cls.index = build_site()
        RencontrePageFactory(parent=cls.index, title=HOSTILE)
        publish_index = cls.index
        cls.url = publish_index.url

    def test_open_data_keeps_raw_values(self):
        body = self.client.get(self.url + "donnees.csv")
        text = body.content.decode("utf-8")
        self.assertFalse(text.startswith("\ufeff"))
        self.assertIn(HOSTILE.replace('"', '""'), text)
        data = self.client.get(self.url + "donnees.json").json()
        self.assertIn(HOSTILE, str(data))

    def test_the_listing_says_how_to_open_the_csv_in_a_spreadsheet(self):
        page = self.client.get(self.url).content.decode()
        self.assertIn("Dans un tableur", page)
        self.assertIn("UTF-8", page)
