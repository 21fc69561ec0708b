"""Page routes delegate to views named by dotted path.

The page models declare their sub-routes (``agenda/``, ``changements/`` …) but import
no view: each route calls :func:`view` with the dotted path of the function that
serves it, imported on first use. Views, history and API sit above the models and
import them, never the other way round.
"""

from functools import cache

from django.utils.module_loading import import_string

#: Modules serving the page routes (named here so the models import none of them).
PUBLIC_VIEWS = "rencontres.public.views"
OPENDATA_VIEWS = "rencontres.public.opendata"
HISTORY_VIEWS = "rencontres.history.views"


@cache
def view(dotted_path):
    """The callable at ``dotted_path`` (imported once)."""
    return import_string(dotted_path)
