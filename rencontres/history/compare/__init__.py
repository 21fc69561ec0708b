"""Admin « Comparer » (Wagtail's revisions compare view) made complete for rencontres.

Wagtail's defaults fall short on several fields of our pages:

* dates are shown raw, in UTC (``2023-03-16 13:00:00+00:00``): here in the active
  language and in the rencontre's local time (« jeudi 16 mars 2023 à 14:00 »);
* empty numbers and booleans are shown as ``None``/``True``: here empty and Oui/Non;
* in a StreamField, a new section's items are run together in one paragraph, and a
  block whose type was removed from the code disappears without a trace. Here each
  block is titled with its label, list items are a list (each added, removed or
  changed item marked), and removed block types or struct children are shown as the
  text they held, with a note;
* a field removed from the model vanishes from the comparison: here a panel lists
  what the compared revisions held in such fields.

:mod:`.scalars` compares dates, numbers and booleans, :mod:`.streams` StreamFields
block by block, :mod:`.removed` the fields removed from the model; :mod:`.registration`
hands the first two to Wagtail (:func:`register`, called from ``wagtail_hooks``) and
the panel is attached to the page's tabs in ``rencontres.admin.panels``.
"""

from .registration import register
from .removed import RemovedFieldsComparison, RemovedFieldsPanel
from .scalars import BooleanComparison, LocalDateTimeComparison, NumberComparison
from .streams import StreamComparison

__all__ = [
    "BooleanComparison",
    "LocalDateTimeComparison",
    "NumberComparison",
    "RemovedFieldsComparison",
    "RemovedFieldsPanel",
    "StreamComparison",
    "register",
]
