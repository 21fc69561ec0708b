"""``RencontrePage.api_fields`` and ``api_meta_fields``: the rencontre in API v2.

Each field is a Django REST framework field reading the whole page (``source="*"``)
and returning :mod:`.representation`'s value, the one API v3 returns too. Attached
to the model by :func:`attach` when the app is ready.
"""

from rest_framework.fields import Field
from wagtail.api import APIField

from ..models import RencontrePage
from . import representation


def context_for(serializer_context):
    """One :class:`representation.Context` per v2 request (kept in the serializer context)."""
    ctx = serializer_context.get("_rencontre_api_context")
    if ctx is None:
        request = serializer_context.get("request")
        view = serializer_context.get("view")
        ctx = representation.Context.for_request(
            request,
            history_api_path=getattr(view, "history_api_path", None),
        )
        serializer_context["_rencontre_api_context"] = ctx
    return ctx


class RencontreValue(Field):
    """A field of :data:`representation.BODY_FIELDS` or ``META_FIELDS``, by name."""

    def __init__(self, name, builders, **kwargs):
        self.builder = builders[name]
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        return self.builder(page, context_for(self.context))


API_FIELDS = [
    APIField(name, serializer=RencontreValue(name, representation.BODY_FIELDS))
    for name in representation.BODY_FIELDS
]

API_META_FIELDS = [
    APIField(name, serializer=RencontreValue(name, representation.META_FIELDS))
    for name in representation.META_FIELDS
]


def attach():
    """Give :class:`RencontrePage` its API fields (from ``AppConfig.ready``)."""
    RencontrePage.api_fields = API_FIELDS
    RencontrePage.api_meta_fields = API_META_FIELDS
