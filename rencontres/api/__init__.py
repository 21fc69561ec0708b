"""The rencontres in Wagtail's API v2 (Django REST framework) and v3 (Django Ninja).

One shape, two transports:

- :mod:`.representation` turns a rencontre into JSON-ready values, field by field;
- :mod:`.schemas` declares that shape as typed (pydantic) models, for v3's OpenAPI;
- :mod:`.filters` parses and applies the query parameters of both APIs;
- :mod:`.fields` plugs the representation into v2 (``RencontrePage.api_fields``);
- :mod:`.v2` and :mod:`.v3` are the endpoints, :mod:`.http` their cache headers.

This package's ``__init__`` imports nothing: ``rencontres.models`` imports
:mod:`.fields` while Django loads the models.
"""
