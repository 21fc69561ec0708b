"""Calendars: vobject, a second iCalendar parser besides icalendar (which writes them),
reads every .ics: each rencontre's and the listing's, in both languages."""

import re

import vobject


def components(calendar):
    return list(calendar.getChildren())


def test_every_calendar_parses_with_its_timezones(outputs):
    assert len(outputs.calendars) > 15
    for name, output in outputs.calendars.items():
        assert output.content_type.startswith("text/calendar"), name
        calendar = vobject.readOne(output.text)  # raises on a malformed file
        assert calendar.name == "VCALENDAR", name
        events = [c for c in components(calendar) if c.name == "VEVENT"]
        assert events, name
        timezones = {c.tzid.value for c in components(calendar) if c.name == "VTIMEZONE"}
        for event in events:
            for prop in ("uid", "dtstart", "dtend", "summary", "dtstamp"):
                assert prop in event.contents, f"{name}: VEVENT without {prop.upper()}"
            for prop in ("dtstart", "dtend"):
                # vobject resolved the zone: an aware datetime, not a floating time.
                assert event.contents[prop][0].value.tzinfo is not None, f"{name}: {prop}"
        # Every TZID parameter of the file (vobject consumes them) has its VTIMEZONE.
        used = set(re.findall(r";TZID=([^:;]+)[:;]", output.text))
        assert used, name
        assert used <= timezones, f"{name}: {used - timezones} without VTIMEZONE"


def test_uids_are_unique_and_name_the_site(outputs):
    host = outputs.root_url.split("://", 1)[1].split(":")[0]
    seen = {}
    for name, output in outputs.calendars.items():
        if name.startswith("listing-"):
            continue
        calendar = vobject.readOne(output.text)
        for event in calendar.vevent_list:
            uid = event.uid.value
            assert uid.endswith("@" + host), f"{name}: {uid}"
            assert seen.setdefault(uid, name) == name, f"{uid} in {name} and {seen[uid]}"


def test_an_overseas_rencontre_carries_its_own_zone(outputs):
    text = outputs.calendars["atelier-territorial-noumea-fr"].text
    assert "DTSTART;TZID=Pacific/Noumea:" in text
    start = vobject.readOne(text).vevent.dtstart.value
    assert start.utcoffset().total_seconds() == 11 * 3600
