"""Text that breaks formats: line breaks and control characters.

A title typed with a line break, or imported with a NUL or a U+2028, breaks more than
its page: a calendar line, an XML feed (XML 1.0 cannot hold most control characters),
an e-mail subject. So:

* :func:`single_line_error` says why a value cannot be a single-line field (the models'
  ``clean()`` refuse it in the admin, in French);
* :func:`one_line` makes one line of any text (the importer, and the places that show a
  title: calendar summaries, feed titles);
* :func:`clean_lines` keeps the lines of a plain text but normalises their breaks to
  ``\\n`` and drops other control characters (calendar descriptions);
* :func:`xml_safe` drops what XML 1.0 cannot hold, and :class:`SafeRss201rev2Feed` /
  :class:`SafeAtom1Feed` apply it to everything a feed writes, so that feeds stay
  valid whatever is stored.

The patterns are single character classes: linear in the length of the text.
"""

import re

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

#: Line and paragraph breaks of every kind: CR, LF, VT, FF, NEL, U+2028, U+2029.
LINE_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"

# C0 and C1 control characters (tab and line breaks included), and U+2028/U+2029.
_NOT_ONE_LINE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029 ]+")
# Control characters but the line breaks kept by clean_lines (and tab).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_BREAK_RE = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# What XML 1.0 cannot hold: control characters but tab, LF and CR; U+FFFE, U+FFFF and
# lone surrogates.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

SINGLE_LINE_MESSAGE = _(
    "Ce champ tient sur une seule ligne : retirez les retours à la ligne, tabulations "
    "et caractères de contrôle."
)


def has_lone_surrogate(text):
    """Whether ``text`` holds half of a UTF-16 pair: JSON may write one (``"\\ud800"``),
    a form post may carry one, no UTF-8 text holds it, and the database refuses it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def single_line_error(value):
    """The French message refusing ``value`` as a single-line field, or None."""
    if value and _NOT_ONE_LINE_RE.search(value):
        return SINGLE_LINE_MESSAGE
    return None


def single_line_errors(obj, names):
    """``{field: message}`` for each attribute of ``obj`` in ``names`` that does not
    hold on one line (for a model's ``clean()``)."""
    errors = {}
    for name in names:
        message = single_line_error(getattr(obj, name, ""))
        if message:
            errors[name] = message
    return errors


def one_line(value):
    """``value`` on one line: breaks, tabs and control characters become one space,
    runs of spaces collapse, and the ends are trimmed."""
    if not value:
        return value
    return _SPACES_RE.sub(" ", value).strip()


def clean_lines(value):
    """``value`` with its line breaks as ``\\n`` and no other control character."""
    if not value:
        return value
    return _CONTROL_RE.sub("", _BREAK_RE.sub("\n", value))


def xml_safe(value):
    """``value`` without the characters XML 1.0 cannot hold."""
    if not isinstance(value, str):
        return value
    return _NOT_XML_RE.sub("", value)


def _xml_safe_values(values):
    cleaned = {}
    for key, value in values.items():
        if isinstance(value, (list, tuple)):
            value = type(value)(xml_safe(item) for item in value)
        cleaned[key] = xml_safe(value)
    return cleaned


class _SafeFeedMixin:
    """Titles on one line, and nothing XML 1.0 cannot hold, whatever is stored."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(
            xml_safe(one_line(title)), link, xml_safe(description), **_xml_safe_values(kwargs)
        )

    def add_item(self, title, link, description, **kwargs):
        super().add_item(
            xml_safe(one_line(title)), link, xml_safe(description), **_xml_safe_values(kwargs)
        )


class SafeRss201rev2Feed(_SafeFeedMixin, Rss201rev2Feed):
    pass


class SafeAtom1Feed(_SafeFeedMixin, Atom1Feed):
    pass
