"""The v3 OpenAPI document, completed where Wagtail 8.0.1's is invalid or silent.

* Wagtail declares ``AllowAnonymous`` as ``{"type": "http"}`` without the ``scheme``
  OpenAPI requires of an HTTP scheme (the document fails validation). Anonymous access
  is not a scheme: OpenAPI writes it as an empty security requirement ``{}``, so the
  scheme goes and each ``{"AllowAnonymous": []}`` becomes ``{}``.
* Operations document only their success: every one gets the client errors the API
  answers (``application/problem+json``, RFC 9457): 401 (credentials that are not a
  valid bearer token), 403 (a token without the permission) where a token is required,
  404 where the path names an object, 422 (invalid parameters or body).

The completion runs on every document built (:func:`complete_document`), so routes
added later are covered too; ``tests/validators/test_openapi.py`` validates the result
with openapi-spec-validator.
"""

from functools import wraps

ANONYMOUS = "AllowAnonymous"
PROBLEM = "application/problem+json"
PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["title", "status"],
}
CLIENT_ERRORS = {
    "401": "Identifiants invalides ou absents / Invalid or missing credentials.",
    "403": "Jeton sans la permission requise / Token without the required permission.",
    "404": "Objet introuvable / Object not found.",
    "422": "Paramètres ou corps invalides / Invalid parameters or body.",
}
METHODS = ("get", "put", "post", "delete", "patch")


def _problem(description):
    return {
        "description": description,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _client_errors(path, operation):
    security = operation.get("security")
    codes = ["401", "422"]
    if security and not any(
        ANONYMOUS in requirement or not requirement for requirement in security
    ):
        codes.append("403")
    if "{" in path:
        codes.append("404")
    return sorted(codes)


def complete_document(document):
    """Fix and complete ``document`` (a v3 OpenAPI dict) in place; returns it."""
    components = document.setdefault("components", {})
    schemes = components.get("securitySchemes", {})
    schemes.pop(ANONYMOUS, None)
    if not schemes:
        components.pop("securitySchemes", None)
    components.setdefault("schemas", {}).setdefault("Problem", PROBLEM_SCHEMA)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            if "security" in operation:
                operation["security"] = [
                    {} if ANONYMOUS in requirement else requirement
                    for requirement in operation["security"]
                ]
            responses = operation.setdefault("responses", {})
            for code in _client_errors(path, operation):
                responses.setdefault(code, _problem(CLIENT_ERRORS[code]))
    return document


def complete_openapi(api):
    """Make ``api`` (a NinjaAPI) serve completed documents: its schema view, the docs
    and any tool calling ``get_openapi_schema`` see the same."""
    build = api.get_openapi_schema

    @wraps(build)
    def get_openapi_schema(*args, **kwargs):
        return complete_document(build(*args, **kwargs))

    api.get_openapi_schema = get_openapi_schema
    return api
