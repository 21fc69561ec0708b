"""OpenAPI: openapi-spec-validator, independent of the code that builds the v3
document, validates it; every operation documents its client errors."""

import json

from openapi_spec_validator import validate


def test_the_v3_document_is_valid(outputs):
    document = json.loads(outputs.other["openapi"].body)
    validate(document)  # raises with the first violation


def test_every_operation_documents_its_4xx(outputs):
    document = json.loads(outputs.other["openapi"].body)
    undocumented = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = set(operation.get("responses", {}))
            if not any(code.startswith("4") for code in codes):
                undocumented.append(f"{method.upper()} {path}")
    assert not undocumented, "\n".join(undocumented)
