"""Write the ``backends.vcl`` that ``rencontres.vcl`` includes, for one machine.

    python deploy/varnish/backends.py --host 127.0.0.1:8080 --languages fr,en \\
        127.0.0.1:8001 127.0.0.1:8002 > "$VARNISH_DIR/backends.vcl"

One backend per app process (health-probed on ``/healthz/``), the ``app`` round-robin
director over them, ``rencontres_host`` (every request gets the site's configured
``Host``) and ``rencontres_language`` (``Accept-Language`` reduced to the first site
language the visitor lists, else the source language: one cache variant per language).
Used by ``scripts/serve`` and by the tests (tests/varnish).
"""

import argparse
import re
import sys


def backends_vcl(addresses, host, languages):
    if not addresses:
        raise ValueError("at least one app process address (host:port)")
    if not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?", host):
        raise ValueError(f"not a host name: {host!r}")
    codes = [code for code in languages if re.fullmatch(r"[a-z]{2,3}(-[a-z]+)?", code)]
    if not codes:
        raise ValueError("at least one language code")
    lines = []
    for number, address in enumerate(addresses, start=1):
        hostname, _, port = address.rpartition(":")
        lines += [
            f"backend app{number} {{",
            f'    .host = "{hostname}";',
            f'    .port = "{int(port)}";',
            "    .connect_timeout = 1s;",
            "    .first_byte_timeout = 60s;",
            "    .probe = {",
            '        .url = "/healthz/";',
            # Sick after 4 failures out of 5 (8 s): a busy process answers late,
            # its sync workers rendering misses, and is not down for that.
            "        .interval = 2s;",
            "        .timeout = 5s;",
            "        .window = 5;",
            "        .threshold = 2;",
            "        .initial = 2;",
            "    }",
            "}",
        ]
    lines += ["", "import directors;", "", "sub vcl_init {"]
    lines += ["    new app = directors.round_robin();"]
    lines += [f"    app.add_backend(app{n});" for n in range(1, len(addresses) + 1)]
    lines += ["}", "", "sub rencontres_host {", f'    set req.http.host = "{host}";', "}", ""]
    lines += ["sub rencontres_language {"]
    alternatives = "|".join(codes)
    lines += [
        f'    if (req.http.Accept-Language ~ "(?i)^\\s*({alternatives})\\b") {{',
        "        set req.http.Accept-Language = regsub(req.http.Accept-Language,",
        f'            "(?i)^\\s*({alternatives})\\b.*$", "\\1");',
        "    } else {",
        f'        set req.http.Accept-Language = "{codes[0]}";',
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True, help="the site's configured host[:port]")
    parser.add_argument("--languages", default="fr,en", help="site languages, source first")
    parser.add_argument("addresses", nargs="+", help="app processes, host:port")
    arguments = parser.parse_args(argv)
    languages = [code.strip().lower() for code in arguments.languages.split(",") if code.strip()]
    sys.stdout.write(backends_vcl(arguments.addresses, arguments.host, languages))


if __name__ == "__main__":
    main()
