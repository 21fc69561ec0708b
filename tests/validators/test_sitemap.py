"""Sitemap: the sitemaps.org XML schema (tests/validators/schemas, with the XHTML link
of language versions), and hreflang alternates that answer each other."""

from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-hreflang.xsd")))


def test_the_schema_rejects_an_invalid_sitemap():
    bad = etree.fromstring(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://localhost/</loc><priority>2</priority></url></urlset>"
    )
    assert not schema().validate(bad)


def test_the_sitemap_is_valid(outputs):
    document = etree.fromstring(outputs.other["sitemap"].body)
    validator = schema()
    assert validator.validate(document), validator.error_log


def test_hreflang_alternates_are_reciprocal_and_listed(outputs):
    document = etree.fromstring(outputs.other["sitemap"].body)
    alternates = {}
    for url in document.iter(f"{SITEMAP}url"):
        loc = url.findtext(f"{SITEMAP}loc")
        assert loc.startswith(outputs.root_url + "/"), loc
        alternates[loc] = {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
    with_languages = {loc: links for loc, links in alternates.items() if links}
    assert len(with_languages) > 10, "no hreflang alternates"
    for loc, links in with_languages.items():
        assert loc in links.values(), f"{loc} is not among its own alternates"
        for href in links.values():
            assert href in alternates, f"{loc}: alternate {href} is not in the sitemap"
            assert alternates[href] == links, f"{loc} and {href} disagree"
