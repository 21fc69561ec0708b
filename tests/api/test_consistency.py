"""API v2 and v3 give the same verdict on the same invalid parameter, and write every
datetime of a rencontre the same way (ISO 8601 to the second, the rencontre's offset)."""

import json
import re

from django.test import TestCase, override_settings

from tests.api.helpers import V2, V3, full_rencontre, site

ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")


def datetimes(value, path=""):
    """(path, text) of every string of ``value`` that starts like a datetime."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from datetimes(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from datetimes(item, f"{path}[]")
    elif isinstance(value, str) and re.match(r"^\d{4}-\d\d-\d\dT", value):
        yield path, value


class VerdictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, index = site()
        cls.page = full_rencontre(index, 1, departement_code="988", postcode="98800")

    def verdicts(self, query, detail=False):
        suffix = f"{self.page.pk}/" if detail else ""
        v2 = self.client.get(f"{V2}{suffix}{query}")
        v3 = self.client.get(f"{V3}{suffix}{query}")
        return v2, v3

    def assert_both_refuse(self, query, detail=False, v2_status=400, v3_status=422):
        v2, v3 = self.verdicts(query, detail)
        self.assertEqual((v2.status_code, v3.status_code), (v2_status, v3_status), query)
        self.assertEqual(v2["Content-Type"], "application/json")
        self.assertEqual(v3["Content-Type"], "application/problem+json")
        return json.loads(v2.content), json.loads(v3.content)

    def test_an_unknown_field_or_parameter_is_refused_by_both(self):
        for query in ("?fields=nope", "?nope=1"):
            _v2, v3 = self.assert_both_refuse(query)
            self.assertEqual(v3["errors"][0]["loc"], ["query", query[1:].split("=")[0]])
            self.assert_both_refuse(query, detail=True)

    def test_a_limit_out_of_range_is_refused_by_both(self):
        v2, v3 = self.verdicts("?limit=100000")
        self.assertEqual((v2.status_code, v3.status_code), (400, 400))
        for query in ("?limit=0", "?limit=-1"):
            v2, _v3 = self.assert_both_refuse(query)
            self.assertEqual(v2["message"], "limit must be a positive integer")

    def test_a_non_numeric_id_is_a_json_404_on_both(self):
        for path in ("abc/", "abc/history/", "12x/history/1/"):
            v2 = self.client.get(V2 + path)
            v3 = self.client.get(V3 + path)
            self.assertEqual((v2.status_code, v3.status_code), (404, 404), path)
            self.assertEqual(json.loads(v2.content), {"message": "not found"})
            self.assertEqual(json.loads(v3.content)["status"], 404)
        self.assertEqual(self.client.get("/api/v2/nowhere/").status_code, 404)
        self.assertEqual(
            json.loads(self.client.get("/api/v2/nowhere/").content)["message"], "not found"
        )

    def test_a_number_is_not_a_date_for_either(self):
        # Pydantic reads a number as a Unix time: start_after=20300316 (a date without
        # its hyphens) meant 23 August 1970 and listed everything, with a 200.
        cases = {
            "start_after=20300316": "AAAA-MM-JJ",
            "start_before=0": "AAAA-MM-JJ",
            "updated_since=1764489600": "ISO 8601",
            "updated_since=1.5": "ISO 8601",
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                v2, v3 = self.assert_both_refuse(f"?{query}")
                name = query.split("=")[0]
                self.assertIn(name, v2["message"])
                self.assertIn(expected, v2["message"])
                self.assertEqual(v3["errors"][0]["loc"], ["query", name])
                self.assertIn(expected, v3["errors"][0]["msg"])

    def test_iso_dates_still_pass_on_both(self):
        for query in (
            "?start_after=2030-03-16",
            "?start_before=2030-03-16",
            "?updated_since=2030-03-16",
            "?updated_since=2030-03-16T10:00:00%2B01:00",
            "?updated_since=2030-03-16T10:00:00Z",
        ):
            v2, v3 = self.verdicts(query)
            self.assertEqual((v2.status_code, v3.status_code), (200, 200), query)

    def test_valid_parameters_still_pass_on_both(self):
        v2, v3 = self.verdicts("?departement=988&limit=1&_=1")
        self.assertEqual((v2.status_code, v3.status_code), (200, 200))


class DatetimeFormatTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, index = site()
        cls.page = full_rencontre(index, 1, departement_code="988", postcode="98800")

    def test_every_datetime_is_to_the_second_with_the_rencontres_offset(self):
        found = {}
        for api in (V2, V3):
            for suffix in (
                f"{self.page.pk}/",
                f"{self.page.pk}/history/",
                f"{self.page.pk}/history/1/",
            ):
                document = json.loads(self.client.get(api + suffix).content)
                for path, value in datetimes(document):
                    self.assertRegex(value, ISO_SECONDS, f"{api}{suffix} {path}")
                    self.assertTrue(value.endswith("+11:00"), f"{api}{suffix} {path}: {value}")
                    found.setdefault((suffix, path.replace(".meta", "")), set()).add(value)
        self.assertIn((f"{self.page.pk}/", ".first_published_at"), found)
        self.assertIn((f"{self.page.pk}/history/", ".items[].published_at"), found)
        # The same instant written the same way by both APIs.
        for key, values in found.items():
            self.assertEqual(len(values), 1, (key, values))

    @override_settings(RENCONTRES_CHANGES_SETTLE_SECONDS=0)
    def test_the_change_log_writes_utc_to_the_second_on_both(self):
        logs = []
        for api in (V2, V3):
            document = json.loads(self.client.get(api + "changes/").content)
            times = [value for _path, value in datetimes(document)]
            self.assertTrue(times, document)
            logs.append(times)
            for value in times:
                self.assertRegex(value, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", api)
        self.assertEqual(logs[0], logs[1])
