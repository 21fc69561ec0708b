"""Bounded work on hostile input: every regular expression and HTML parse the importer,
the admin's checks and the API apply to text from outside runs in linear time.

An address of 100,000 spaces once spent nearly two minutes in the address regex (a
lazy group followed by ``\\s*``: quadratic). Here each function that applies a regular
expression to imported or typed text gets whitespace and repeated separators of
100 KB and of 1 MB: ten times the input may cost at most twenty-five times the time
(a quadratic one costs a hundred times; a linear one that allocates a word object per
separator measured up to ×17 here, its megabyte of small objects past the CPU's caches:
``" ".join(text.split())`` on ``"a (" * 333_333``). The 100 KB time is that of ten distinct 100 KB
texts divided by ten, so that both sides read a megabyte: past a few hundred
kilobytes, a busy machine's caches alone make one large text cost several times
more per character than a small one read again and again, which says nothing of
the algorithm. Each figure is the best of a few runs; they are printed
(``pytest -s``).
"""

import contextlib
import time

import pytest

from rencontres.api.filters import RencontreQuery
from rencontres.importers import html as html_mapping
from rencontres.importers.inference import conference_link, infer_format
from rencontres.importers.values import (
    DepartementLookup,
    clean_text,
    parse_address,
    parse_datetime,
    read_number,
)
from rencontres.sanitize import clean_lines, one_line, single_line_error, xml_safe
from rencontres.text import html_lines

SMALL, LARGE = 100_000, 1_000_000
# One timed run per measure: a measure above the bound is taken again anyway (below).
RUNS = 1
MAX_RATIO = 25

#: Hostile texts of about ``size`` characters: whitespace, and separators repeated.
HOSTILE = {
    "spaces": lambda size: " " * size,
    "mixed whitespace": lambda size: " \t\u00a0\u2028" * (size // 4),
    "line breaks": lambda size: "\r\n" * (size // 2),
    "commas": lambda size: ", " * (size // 2),
    "postcodes": lambda size: "42000 " * (size // 6),
    "parentheses": lambda size: "a (" * (size // 3),
    "commune (postcode) without end": lambda size: ",x (42000" * (size // 9),
    "postcode then spaces": lambda size: "42000" + " " * size + ",",
    "headings": lambda size: "xComment ?  " * (size // 12),
    "bullets": lambda size: "- " * (size // 2),
    # Unclosed tags and comments: Python's html.parser is quadratic on them (10 KB of
    # "<br " took a second, 1 MB would take hours): rencontres.text.parse_html uses lxml.
    "tags": lambda size: "<br " * (size // 4),
    "comments": lambda size: "<!-- x>" * (size // 7),
    "end tags": lambda size: "</a " * (size // 4),
    "online hints": lambda size: "visio" * (size // 5),
    "links": lambda size: "https://" * (size // 8),
    "digits": lambda size: "1" * size + "x",
    "date": lambda size: "2030-05-12 14:00" + " " * size + "x",
    "département": lambda size: "42" + " " * size + "x",
    "orders": lambda size: "-a," * (size // 3) + "!",
}


def _swallow(function):
    """``function`` whose expected refusals (ValueError, KeyError…) still count as work."""

    def call(text):
        with contextlib.suppress(ValueError, KeyError):
            function(text)

    return call


def _order(text):
    with contextlib.suppress(ValueError):
        RencontreQuery(order=text)


#: Every function that applies a regular expression to text from outside.
FUNCTIONS = {
    "parse_address": parse_address,
    "clean_text": clean_text,
    "one_line": one_line,
    "clean_lines": clean_lines,
    "xml_safe": xml_safe,
    "single_line_error": single_line_error,
    "parse_datetime": _swallow(parse_datetime),
    "read_number": _swallow(lambda text: read_number({"n": text}, "n")),
    "département": _swallow(DepartementLookup([]).find),
    "description_blocks": html_mapping.description_blocks,
    "sanitise_rich_text": html_mapping.sanitise_rich_text,
    "html_lines": html_lines,
    "plain_text": html_mapping.plain_text,
    "infer_format": lambda text: infer_format("", text, text, ""),
    "conference_link": conference_link,
    "API order": _order,
}


def best_time(function, texts):
    """The best of a few runs of ``function`` over ``texts``."""
    best = float("inf")
    for _run in range(RUNS):
        start = time.perf_counter()
        for text in texts:
            function(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_ten_times_the_input_costs_at_most_twenty_five_times_the_time(function):
    call = FUNCTIONS[function]
    slow = []
    for name, make in HOSTILE.items():
        # Measured again (five times at most) while above the bound, the best ratio
        # kept: another process can slow one side of a measure; a quadratic function
        # stays near ×100 on every measure.
        ratio = float("inf")
        for _measure in range(5):
            small = best_time(call, [make(SMALL) for _copy in range(10)]) / 10
            large = best_time(call, [make(LARGE)])
            # Below a millisecond for 1 MB, the clock measures noise, not the work.
            measured = large / small if large > 1e-3 else 1.0
            if measured < ratio:
                ratio, small_time, large_time = measured, small, large
            if ratio <= MAX_RATIO:
                break
        if ratio > MAX_RATIO:
            slow.append((name, f"{small_time * 1e3:.2f} ms → {large_time * 1e3:.2f} ms",
                         round(ratio, 1)))  # fmt: skip
    assert not slow, f"{function}: more than ×{MAX_RATIO} for ten times the input: {slow}"


def test_the_address_of_the_issue_parses_at_once():
    """100,000 spaces: no address, no postcode, and no two minutes in a regex."""
    assert parse_address(" " * 100_000) == ("", "", "")
    assert parse_address("12 rue X," + " " * 100_000 + "42000 Saint-Étienne, France") == (
        "12 rue X",
        "42000",
        "Saint-Étienne",
    )
