"""Feeds: feedparser, an independent reader, on the listing's RSS and Atom feeds
(filtered too) and the history feed, in both languages."""

import feedparser

from .conftest import FOREIGN_HOST


def parsed(outputs):
    for name, output in outputs.feeds.items():
        yield name, output, feedparser.parse(output.body)


def test_feeds_are_well_formed(outputs):
    assert {"rss-fr", "atom-fr", "rss-en", "atom-en", "history-fr", "history-en"} <= set(
        outputs.feeds
    )
    for name, _output, feed in parsed(outputs):
        assert not feed.bozo, f"{name}: {feed.get('bozo_exception')}"
        assert feed.version in ("rss20", "atom10"), name
        assert feed.feed.title, name


def test_every_link_is_absolute_on_the_site_address(outputs):
    """Feed links, self links, entry links and ids start with the Wagtail Site's root
    URL, whatever Host header the request carried."""
    for name, _output, feed in parsed(outputs):
        links = [feed.feed.link, *(link.href for link in feed.feed.links)]
        for entry in feed.entries:
            links += [entry.link, entry.id, *(link.href for link in entry.get("links", []))]
        assert links, name
        for link in links:
            assert link.startswith(outputs.root_url + "/"), f"{name}: {link}"
            assert FOREIGN_HOST not in link, f"{name}: {link}"


def test_entries_have_what_a_reader_shows(outputs):
    for name in ("rss-fr", "atom-fr", "history-fr", "history-en"):
        feed = feedparser.parse(outputs.feeds[name].body)
        assert feed.entries, name
        for entry in feed.entries:
            assert entry.title and entry.link and entry.get("published_parsed"), (name, entry)


def test_a_filtered_feed_declares_its_own_url_as_self(outputs):
    for name, query in (("rss-filtered", "?departement=42"), ("atom-filtered", "?format=en_ligne")):
        feed = feedparser.parse(outputs.feeds[name].body)
        selves = [link.href for link in feed.feed.links if link.rel == "self"]
        assert len(selves) == 1, (name, feed.feed.links)
        assert selves[0].startswith(outputs.root_url + "/"), selves
        assert selves[0].endswith(query), (name, selves)


def test_no_output_carries_the_request_host(outputs):
    """Feeds, calendars, sitemap, robots.txt, the APIs' detail_url, open data's source,
    canonical and hreflang links: absolute URLs come from the site's configuration."""
    carriers = [o.name for o in outputs.all() if FOREIGN_HOST.encode() in o.body]
    assert not carriers
    assert outputs.other["robots"].text.strip().endswith(f"Sitemap: {outputs.root_url}/sitemap.xml")
