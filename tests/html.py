"""Reading pages as a visitor does: the suite's HTML parsing helpers."""

from bs4 import BeautifulSoup


def soup(response):
    """The parsed HTML of a response (or of a string of HTML)."""
    content = response if isinstance(response, str | bytes) else response.content
    return BeautifulSoup(content, "html.parser")


def text(element):
    """The visible text of an element, whitespace collapsed."""
    return " ".join(element.get_text(" ").split())


def inline_text(element):
    """The text as a browser runs it together (no space added between inline elements)."""
    return " ".join(element.get_text().split())


def form_data(form):
    """The data a browser would submit for ``form`` (a BeautifulSoup ``<form>``) as is."""
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "select":
            selected = field.find("option", selected=True) or field.find("option")
            data[name] = selected.get("value", "") if selected else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") in ("submit", "button", "file"):
            continue
        else:
            data[name] = field.get("value", "")
    return data
