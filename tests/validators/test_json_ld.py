"""JSON-LD: extruct, an independent extractor, reads each rencontre page's structured
data; every Event has what search engines require and recommend."""

import extruct
from lxml import html as lxml_html

#: Google's required properties of an Event, and the recommended ones we always give.
REQUIRED = ("name", "startDate", "location")
RECOMMENDED = ("endDate", "eventStatus", "eventAttendanceMode", "description", "image")


def events(outputs):
    for name, output in outputs.html.items():
        data = extruct.extract(
            output.text, base_url=outputs.root_url + output.url, syntaxes=["json-ld"]
        )
        for item in data["json-ld"]:
            if item.get("@type") == "Event":
                yield name, item


def test_every_rencontre_page_has_a_complete_event(outputs):
    found = dict(events(outputs))
    rencontre_pages = [
        name for name in outputs.html if name.startswith(("atelier", "rencontre", "online"))
    ]
    assert set(rencontre_pages) <= set(found), set(rencontre_pages) - set(found)
    for name, event in found.items():
        for field in REQUIRED + RECOMMENDED:
            assert event.get(field), f"{name}: Event without {field}"
        assert event["url"].startswith(outputs.root_url + "/"), name
        for image in event["image"]:
            assert image.startswith(("http://", "https://")), (name, image)
        locations = event["location"]
        for location in locations if isinstance(locations, list) else [locations]:
            assert location["@type"] in ("Place", "VirtualLocation"), name
            if location["@type"] == "Place":
                assert location["address"]["addressLocality"], name


def test_organisers_carry_their_url_when_known(outputs):
    found = dict(events(outputs))
    organisers = {o["name"]: o for e in found.values() for o in e.get("organizer", [])}
    assert organisers["Maison des associations"]["url"] == "https://mda.example.org/"
    assert "url" not in organisers["Collectif sans site"]


def test_a_cancelled_rencontre_says_so(outputs):
    event = dict(events(outputs))["atelier-territorial-roubaix-annule-fr"]
    assert event["eventStatus"] == "https://schema.org/EventCancelled"
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"


def test_open_graph_shows_the_same_image(outputs):
    """The rencontre's illustration, else the site's default image (a site setting)."""
    images = {}
    for name, event in events(outputs):
        tree = lxml_html.fromstring(outputs.html[name].body)
        og_image = tree.xpath('//meta[@property="og:image"]/@content')
        assert og_image == [event["image"][0]], name
        images[name] = og_image[0]
    own = images.pop("atelier-territorial-roubaix-annule-fr")
    assert len(set(images.values())) == 1, "the default image"
    assert own not in images.values()
