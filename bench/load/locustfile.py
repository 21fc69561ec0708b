"""The visitors of `make load` (locust): 64 of them, no pause, on the two app processes.

Each simulated visitor sticks to one app process (alternately) and mixes what a
launch-day crowd does: the listing, with filters (département, period, format) and
search, rencontre pages, their history and versions, calendars, the feeds and open
data, and API v2 and v3 lists and details. Anything but a 200 is an error.

Reads the targets from the JSON file named by ``LOAD_TARGETS`` (written by
bench/load/run.py) and appends one line per request to ``LOAD_REQUESTS``: start time
(Unix seconds), name, milliseconds, status (0: no answer), error or empty.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, events, task

TARGETS = json.loads(open(os.environ["LOAD_TARGETS"], encoding="utf-8").read())  # noqa: SIM115
_hosts = itertools.cycle(TARGETS["hosts"])
_log = open(os.environ["LOAD_REQUESTS"], "a", encoding="utf-8", buffering=1 << 16)  # noqa: SIM115


@events.request.add_listener
def record(request_type, name, response_time, response, exception, start_time=None, **_kw):
    status = getattr(response, "status_code", 0) or 0
    error = "" if exception is None else type(exception).__name__
    _log.write(f"{start_time:.3f}\t{name}\t{response_time:.1f}\t{status}\t{error}\n")


@events.quitting.add_listener
def close_log(**_kw):
    _log.flush()


class Visitor(FastHttpUser):
    wait_time = constant(0)
    host = TARGETS["hosts"][0]
    # Long enough for the PostgreSQL restart to show as errors, not hangs.
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self):
        self.base = next(_hosts)

    def get(self, path, name):
        with self.client.get(self.base + path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(4)
    def listing(self):
        self.get(TARGETS["index"], "listing")

    @task(4)
    def listing_filtered(self):
        departement = random.choice(TARGETS["departements"])
        periode = random.choice(["a-venir", "passees", "toutes"])
        query = f"?departement={departement}&periode={periode}"
        if random.random() < 0.5:
            query += "&format=" + random.choice(["presentiel", "en_ligne", "hybride"])
        if random.random() < 0.3:
            query += "&page=2"
        self.get(TARGETS["index"] + query, "listing with filters")

    @task(2)
    def search(self):
        self.get(f"{TARGETS['index']}?q={random.choice(TARGETS['words'])}", "search")

    @task(6)
    def rencontre(self):
        self.get(random.choice(TARGETS["pages"]), "rencontre page")

    @task(2)
    def history(self):
        self.get(random.choice(TARGETS["pages"]) + "changements/", "history")

    @task(1)
    def version(self):
        self.get(TARGETS["history_page"] + "changements/1/", "history version")

    @task(1)
    def rencontre_calendar(self):
        self.get(random.choice(TARGETS["pages"]) + "agenda.ics", "rencontre calendar")

    @task(1)
    def listing_calendar(self):
        self.get(TARGETS["index"] + "agenda.ics", "listing calendar")

    @task(1)
    def feed(self):
        self.get(TARGETS["index"] + "flux/", "feed")

    @task(2)
    def api_v2_list(self):
        departement = random.choice(TARGETS["departements"])
        self.get(f"/api/v2/rencontres/?departement={departement}&limit=20", "API v2 list")

    @task(2)
    def api_v3_list(self):
        self.get(f"/api/v3/rencontres/?search={random.choice(TARGETS['words'])}", "API v3 list")

    @task(1)
    def api_v2_detail(self):
        self.get(f"/api/v2/rencontres/{random.choice(TARGETS['ids'])}/", "API v2 detail")

    @task(1)
    def api_v3_detail(self):
        self.get(f"/api/v3/rencontres/{random.choice(TARGETS['ids'])}/", "API v3 detail")
