"""API v3 (Wagtail 8's preview): mounted with its OpenAPI schema and docs, a typed
rencontre schema, a rencontre list with the filters of v2, Wagtail's 422 errors."""

import datetime as dt
import json

import pytest
from django.test import TestCase
from django.utils import timezone

from rencontres.api.schemas import RencontreFields
from tests.api.helpers import V2, V3, full_rencontre, organisations, publish, site
from tests.factories import RencontrePageFactory, departement

# The plugin's own tests, run without the demo (tests.plugin_settings, tests/conftest.py).
pytestmark = pytest.mark.plugin


def resolve(schema, ref_or_schema):
    """Follow ``$ref`` (and a single-item ``allOf``) in an OpenAPI document."""
    node = ref_or_schema
    while True:
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        elif "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        else:
            return node


def untyped(node, path="#"):
    """The paths, in a JSON schema, of the values left untyped (``{}``: pydantic's Any)."""
    found = []
    if isinstance(node, dict):
        if node == {}:
            return [path]
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                found += untyped(node[key], f"{path}/{key}")
        for key in ("properties", "$defs"):
            for name, child in node.get(key, {}).items():
                found += untyped(child, f"{path}/{key}/{name}")
        for key in ("anyOf", "oneOf", "allOf"):
            for i, child in enumerate(node.get(key, [])):
                found += untyped(child, f"{path}/{key}/{i}")
    return found


class OpenAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site()

    def schema(self):
        response = self.client.get("/api/v3/openapi.json")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_docs_page_uses_local_assets(self):
        response = self.client.get("/api/v3/docs/")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"/static/ninja/swagger-ui", response.content)
        self.assertNotIn(b"cdn.jsdelivr", response.content)

    def test_routes_are_documented(self):
        paths = self.schema()["paths"]
        for route in (
            "/api/v3/pages/",
            "/api/v3/pages/{page_id}/",
            "/api/v3/rencontres/",
            "/api/v3/rencontres/{page_id}/",
            "/api/v3/rencontres/{page_id}/history/",
            "/api/v3/rencontres/{page_id}/history/{number}/",
        ):
            self.assertIn(route, paths)
        parameters = {p["name"] for p in paths["/api/v3/rencontres/"]["get"]["parameters"]}
        self.assertLessEqual(
            {
                "departement",
                "region",
                "format",
                "status",
                "period",
                "start_after",
                "start_before",
                "organisation",
                "updated_since",
                "search",
                "order",
                "locale",
                "translation_of",
                "limit",
                "offset",
            },
            parameters,
        )

    def test_rencontre_schema_is_typed_down_to_the_sections(self):
        schema = self.schema()
        components = schema["components"]["schemas"]
        rencontre = components["RencontreSchema"]
        for name in RencontreFields.model_fields:
            self.assertIn(name, rencontre["properties"])
        description = resolve(schema, rencontre["properties"]["description"])
        self.assertEqual(description["type"], "array")
        item_types = description["items"]["discriminator"]["mapping"]
        self.assertEqual(
            set(item_types),
            {"pourquoi", "pour_qui", "comment", "section", "texte", "image", "document"}
            | {"citation", "media"},
        )
        pourquoi = resolve(schema, {"$ref": item_types["pourquoi"]})
        section = resolve(schema, pourquoi["properties"]["value"])
        self.assertEqual(list(section["properties"]), ["heading", "introduction", "items"])
        self.assertEqual(section["properties"]["items"]["items"], {"type": "string"})
        self.assertEqual(section["properties"]["heading"]["type"], "string")

    def test_no_value_of_the_rencontre_schema_is_any(self):
        self.assertEqual(untyped(RencontreFields.model_json_schema()), [])
        components = self.schema()["components"]["schemas"]
        self.assertEqual(untyped({"$defs": components})[:0], [])
        for name in ("RencontreSchema", "RencontrePageSchema"):
            self.assertEqual(untyped(components[name]), [], name)

    def test_pages_detail_uses_the_typed_schema(self):
        components = self.schema()["components"]["schemas"]
        self.assertIn("RencontrePageSchema", components)
        self.assertIn("departement", components["RencontrePageSchema"]["properties"])


class RencontreListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        cls.orgs = organisations(2)
        cls.loire = full_rencontre(cls.index, 1, organisers=cls.orgs)
        cls.rhone = full_rencontre(
            cls.index, 2, departement_code="69", postcode="69001", commune="Lyon"
        )
        now = timezone.now()
        cls.past = publish(
            RencontrePageFactory(
                parent=cls.index,
                slug="passee",
                departement=departement("42"),
                start=now - dt.timedelta(days=20),
                end=now - dt.timedelta(days=20, hours=-2),
            )
        )

    def get(self, url, **params):
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_list_returns_the_full_fields(self):
        data = self.get(V3)
        self.assertEqual(data["count"], 3)
        item = next(i for i in data["items"] if i["id"] == self.loire.pk)
        self.assertEqual(item["title"], "Atelier territorial n°1")
        self.assertEqual(item["meta"]["type"], "rencontres.RencontrePage")
        self.assertEqual(item["departement"]["code"], "42")
        self.assertEqual([o["id"] for o in item["organisers"]], [o.pk for o in self.orgs])
        self.assertEqual(item["description"][0]["value"]["items"][0], "Partager un diagnostic")
        self.assertEqual(
            item["meta"]["history_api_url"], f"http://testserver{V3}{self.loire.pk}/history/"
        )

    def test_v2_and_v3_agree_on_every_value(self):
        v2 = {i["id"]: i for i in self.get(V2)["items"]}
        v3 = {i["id"]: i for i in self.get(V3)["items"]}
        self.assertEqual(v2.keys(), v3.keys())
        for pk, item in v3.items():
            for name in RencontreFields.model_fields:
                expected = RencontreFields.model_validate(
                    {n: v2[pk][n] for n in RencontreFields.model_fields}
                ).model_dump(mode="json")[name]
                self.assertEqual(item[name], expected, name)
            self.assertEqual(item["meta"]["history_url"], v2[pk]["meta"]["history_url"])

    def test_same_filters_as_v2(self):
        for params in (
            {"departement": "42"},
            {"region": "84", "period": "upcoming"},
            {"period": "past"},
            {"organisation": self.orgs[0].pk},
            {"order": "-start"},
            {"search": "Lyon"},
        ):
            with self.subTest(params):
                v2 = [i["id"] for i in self.get(V2, **params)["items"]]
                v3 = [i["id"] for i in self.get(V3, **params)["items"]]
                self.assertEqual(v2, v3)
                self.assertTrue(v3)

    def test_detail(self):
        data = self.get(f"{V3}{self.rhone.pk}/")
        self.assertEqual(data["departement"]["name"], "Rhône")
        self.assertEqual(self.client.get(f"{V3}987654/").status_code, 404)

    def test_pages_detail_has_the_typed_fields(self):
        data = self.get(f"/api/v3/pages/{self.loire.pk}/")
        self.assertEqual(data["meta"]["type"], "rencontres.RencontrePage")
        self.assertEqual(data["departement"]["code"], "42")
        self.assertEqual(data["meta"]["parent"]["id"], self.index.pk)
        self.assertEqual(data["description"], self.get(f"{V3}{self.loire.pk}/")["description"])


class ProblemTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site()
        publish(RencontrePageFactory(parent=cls.index))

    def assert_422(self, query, param):
        response = self.client.get(f"{V3}?{query}")
        self.assertEqual(response.status_code, 422, (query, response.content))
        self.assertEqual(response["Content-Type"], "application/problem+json")
        problem = json.loads(response.content)
        self.assertEqual(problem["status"], 422)
        self.assertIn(param, [error["loc"][-1] for error in problem["errors"]])

    def test_bad_parameters(self):
        self.assert_422("departement=999", "departement")
        self.assert_422("region=99", "region")
        self.assert_422("format=visio", "format")
        self.assert_422("status=finie", "status")
        self.assert_422("period=demain", "period")
        self.assert_422("start_after=2030-02-30", "start_after")
        self.assert_422("start_before=demain", "start_before")
        self.assert_422("updated_since=hier", "updated_since")
        self.assert_422("organisation=987654", "organisation")
        self.assert_422("organisation=-3", "organisation")
        self.assert_422("translation_of=987654", "translation_of")
        self.assert_422("locale=xx", "locale")
        self.assert_422("order=lieu", "order")
        self.assert_422("limit=-1", "limit")
        self.assert_422("offset=99999999999999", "offset")
        self.assert_422("rich_text_format=pdf", "rich_text_format")
        self.assert_422("search=%00", "search")
