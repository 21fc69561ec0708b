"""Safe outbound requests (rencontres.outbound), against local servers started here.

Loopback is refused like any private address unless the settings allow it: each test
says which networks it allows (``allow``). No request leaves the machine; the two
tests that need a name to resolve in a given way answer the resolver themselves
(there is no DNS server to ask).
"""

import socket
import ssl

import pytest
import trustme

from rencontres import outbound
from tests.receiver import Answer, Receiver

LOOPBACK = ["127.0.0.0/8", "::1/128"]


@pytest.fixture
def allow(settings):
    """Let requests reach the given networks (loopback for the local receivers)."""

    def allow(networks=LOOPBACK):
        settings.RENCONTRES_OUTBOUND_ALLOWED_NETWORKS = list(networks)

    settings.RENCONTRES_OUTBOUND_ALLOW_PRIVATE = False
    settings.RENCONTRES_OUTBOUND_ALLOWED_NETWORKS = []
    return allow


@pytest.fixture
def partner():
    with Receiver() as receiver:
        yield receiver


# -- what is allowed goes through ---------------------------------------------------------


def test_get_returns_status_headers_body_and_url(allow, partner):
    allow()
    partner.answer("/data", Answer(200, b'{"ok": true}', {"Content-Type": "application/json"}))

    response = outbound.fetch(partner.url("/data?x=1"))

    assert response.status == 200
    assert response.ok
    assert response.headers["content-type"] == "application/json"
    assert response.body == b'{"ok": true}'
    assert response.url == partner.url("/data?x=1")
    assert partner.requests[0].path == "/data?x=1"
    assert partner.requests[0].headers["User-Agent"] == "Rencontres (Wagtail)"


def test_a_4xx_or_5xx_is_returned_not_raised(allow, partner):
    allow()
    partner.answer("/gone", Answer(410, b"parti"))

    response = outbound.fetch(partner.url("/gone"))

    assert (response.status, response.ok, response.body) == (410, False, b"parti")


def test_post_sends_body_and_headers(allow, partner):
    allow()
    outbound.fetch(
        partner.url("/hook"),
        method="POST",
        data='{"événement": 1}',
        headers={"Content-Type": "application/json", "User-Agent": "Partenaire"},
    )

    request = partner.requests[0]
    assert request.method == "POST"
    assert request.body == '{"événement": 1}'.encode()
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "Partenaire"


def test_the_host_header_is_the_name_not_the_address(allow, partner):
    allow()
    outbound.fetch(partner.url("/", host="localhost"))

    assert partner.requests[0].headers["Host"] == f"localhost:{partner.port}"


def test_the_name_is_resolved_once_and_the_checked_address_used(allow, partner, monkeypatch):
    """DNS rebinding: a name that answers a public (here: allowed) address to the check
    and a private one a moment later must be reached at the address that was checked."""
    allow(["127.0.0.1/32"])
    real = socket.getaddrinfo
    asked = []

    def rebinding(host, port, *args, **kwargs):
        if host != "partenaire.test":
            return real(host, port, *args, **kwargs)
        asked.append(host)
        address = "127.0.0.1" if len(asked) == 1 else "10.9.9.9"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    response = outbound.fetch(f"http://partenaire.test:{partner.port}/")

    assert response.status == 200
    assert asked == ["partenaire.test"]
    assert partner.requests[0].headers["Host"] == f"partenaire.test:{partner.port}"


def test_a_name_with_one_private_address_among_public_ones_is_refused(allow, monkeypatch):
    allow([])
    real = socket.getaddrinfo

    def mixed(host, port, *args, **kwargs):
        if host != "melange.test":
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)

    with pytest.raises(outbound.RefusedAddress, match=r"10\.0\.0\.7"):
        outbound.fetch("http://melange.test/")


# -- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/a", "file:///etc/passwd", "gopher://127.0.0.1:70/", "javascript:x", "//x"],
)
def test_only_http_and_https(allow, url):
    allow()
    with pytest.raises(outbound.RefusedScheme, match="Seules les adresses http et https"):
        outbound.fetch(url)


@pytest.mark.parametrize(
    "url", ["http://", "http://exa mple.org:port/", "http://user:secret@127.0.0.1/"]
)
def test_invalid_urls(allow, url):
    allow()
    with pytest.raises(outbound.InvalidURL):
        outbound.fetch(url)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",  # loopback
        "localhost",  # a name resolving to loopback
        "[::1]",
        "10.0.0.1",  # private
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",  # shared address space
        "169.254.169.254",  # link-local: cloud metadata
        "[fe80::1]",
        "[fc00::1]",  # unique local
        "224.0.0.1",  # multicast
        "0.0.0.0",  # noqa: S104 — unspecified, the address under test
        "240.0.0.1",  # reserved
        "[::ffff:127.0.0.1]",  # IPv4-mapped loopback
    ],
)
def test_private_and_special_addresses_are_refused(allow, partner, host):
    allow([])  # loopback not allowed here

    with pytest.raises(outbound.RefusedAddress, match="privée, locale ou réservée"):
        outbound.fetch(f"http://{host}:{partner.port}/")

    assert partner.requests == []


def test_allow_private_lets_everything_through(settings, partner):
    settings.RENCONTRES_OUTBOUND_ALLOW_PRIVATE = True
    settings.RENCONTRES_OUTBOUND_ALLOWED_NETWORKS = []

    assert outbound.fetch(partner.url("/")).status == 200


def test_allowed_networks_are_exact(allow, partner):
    allow(["127.0.0.2/32"])
    with pytest.raises(outbound.RefusedAddress):
        outbound.fetch(partner.url("/"))  # 127.0.0.1


# -- redirects --------------------------------------------------------------------------


def test_redirects_are_followed(allow, partner):
    allow()
    partner.answer("/old", Answer(301, headers={"Location": "/new"}))
    partner.answer("/new", Answer(200, b"ici"))

    response = outbound.fetch(partner.url("/old"))

    assert (response.status, response.body) == (200, b"ici")
    assert response.url == partner.url("/new")
    assert response.redirects == [partner.url("/new")]


def test_a_302_turns_a_post_into_a_get_and_a_307_keeps_it(allow, partner):
    allow()
    partner.answer("/302", Answer(302, headers={"Location": "/target"}))
    partner.answer("/307", Answer(307, headers={"Location": "/target"}))

    outbound.fetch(partner.url("/302"), method="POST", data=b"corps")
    outbound.fetch(partner.url("/307"), method="POST", data=b"corps")

    targets = partner.requests_to("/target")
    assert [(r.method, r.body) for r in targets] == [("GET", b""), ("POST", b"corps")]


def test_a_redirect_to_a_private_address_is_refused(allow, partner):
    """The first address is allowed, the one it redirects to is not: nothing reaches it."""
    allow(["127.0.0.1/32"])
    with Receiver("127.0.0.2") as internal:
        partner.answer("/", Answer(302, headers={"Location": internal.url("/admin")}))

        with pytest.raises(outbound.RefusedAddress, match="127.0.0.2"):
            outbound.fetch(partner.url("/"))

        assert internal.requests == []
    assert len(partner.requests) == 1


def test_a_redirect_to_the_metadata_service_is_refused(allow, partner):
    allow()
    partner.answer("/", Answer(307, headers={"Location": "http://169.254.169.254/latest/"}))

    with pytest.raises(outbound.RefusedAddress, match="169.254.169.254"):
        outbound.fetch(partner.url("/"))


def test_a_redirect_to_another_scheme_is_refused(allow, partner):
    allow()
    partner.answer("/", Answer(302, headers={"Location": "file:///etc/passwd"}))

    with pytest.raises(outbound.RefusedScheme):
        outbound.fetch(partner.url("/"))


def test_too_many_redirects(allow, partner):
    allow()
    partner.answer("/loop", Answer(302, headers={"Location": "/loop"}))

    with pytest.raises(outbound.TooManyRedirects, match="Trop de redirections"):
        outbound.fetch(partner.url("/loop"), max_redirects=3)

    assert len(partner.requests) == 4


def test_credentials_are_not_carried_to_another_origin(allow, partner):
    allow()
    with Receiver("127.0.0.2") as other:
        partner.answer("/", Answer(302, headers={"Location": other.url("/")}))

        outbound.fetch(partner.url("/"), headers={"Authorization": "Bearer s3cret"})

        assert partner.requests[0].headers["Authorization"] == "Bearer s3cret"
        assert "Authorization" not in other.requests[0].headers


# -- sizes and times --------------------------------------------------------------------


def test_an_announced_oversized_body_is_refused(allow, partner):
    allow()
    partner.answer("/big", Answer(200, b"x" * 2000))

    with pytest.raises(outbound.ResponseTooLarge, match="1000 octets"):
        outbound.fetch(partner.url("/big"), max_bytes=1000)


def test_an_unannounced_oversized_body_is_cut(allow, partner):
    allow()
    partner.answer("/big", Answer(200, b"x" * 300_000, unsized=True))

    with pytest.raises(outbound.ResponseTooLarge):
        outbound.fetch(partner.url("/big"), max_bytes=100_000)
    assert outbound.fetch(partner.url("/big"), max_bytes=300_000).body == b"x" * 300_000


def test_a_chunked_body_is_read_and_capped(allow, partner):
    allow()
    partner.answer("/chunks", Answer(200, b"0123456789" * 10_000, chunked=7_000))

    assert outbound.fetch(partner.url("/chunks")).body == b"0123456789" * 10_000
    with pytest.raises(outbound.ResponseTooLarge):
        outbound.fetch(partner.url("/chunks"), max_bytes=50_000)


def test_a_slow_answer_times_out(allow, partner):
    allow()
    partner.answer("/slow", Answer(200, b"tard", delay=5))

    with pytest.raises(outbound.OutboundTimeout, match="n’a pas répondu à temps"):
        outbound.fetch(partner.url("/slow"), read_timeout=0.2)


def test_a_trickling_answer_is_cut_at_the_total_bound(allow, partner):
    """Each byte comes before the read timeout, but the whole exchange is bounded."""
    allow()
    partner.answer("/drip", Answer(200, b"x" * 100, drip=0.05))

    with pytest.raises(outbound.OutboundTimeout, match="entièrement en 0.5 secondes"):
        outbound.fetch(partner.url("/drip"), read_timeout=2, timeout=0.5)


def test_nothing_listening_is_unreachable(allow):
    allow()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(outbound.Unreachable, match="injoignable"):
        outbound.fetch(f"http://127.0.0.1:{port}/")


def test_an_unknown_name_is_unreachable(allow):
    allow()
    with pytest.raises(outbound.Unreachable, match="introuvable"):
        outbound.fetch("http://nom-inexistant.invalid/")


# -- https: the certificate and SNI of the name, the connection to the checked address ----


@pytest.fixture(scope="module")
def authority():
    return trustme.CA()


def _tls_receiver(authority, name, seen):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(name).configure_cert(context)
    context.sni_callback = lambda sock, server_name, ctx: seen.append(server_name)
    return Receiver(tls_context=context)


def test_https_sends_the_name_and_checks_its_certificate(allow, settings, authority, tmp_path):
    allow()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    settings.RENCONTRES_OUTBOUND_CA_BUNDLE = str(bundle)
    seen = []

    with _tls_receiver(authority, "localhost", seen) as secure:
        response = outbound.fetch(secure.url("/", host="localhost"))

    assert response.status == 200
    assert "localhost" in seen
    assert secure.requests[0].headers["Host"] == f"localhost:{secure.port}"


def test_https_refuses_a_certificate_for_another_name(allow, settings, authority, tmp_path):
    allow()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    settings.RENCONTRES_OUTBOUND_CA_BUNDLE = str(bundle)

    with _tls_receiver(authority, "partenaire.example", []) as secure:
        with pytest.raises(outbound.Unreachable, match="certificat"):
            outbound.fetch(secure.url("/", host="localhost"))
        assert secure.requests == []


def test_https_refuses_an_unknown_authority(allow, settings, authority):
    allow()
    settings.RENCONTRES_OUTBOUND_CA_BUNDLE = None

    with (
        _tls_receiver(authority, "localhost", []) as secure,
        pytest.raises(outbound.Unreachable, match="certificat"),
    ):
        outbound.fetch(secure.url("/", host="localhost"))
