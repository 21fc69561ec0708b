"""Safe outbound HTTP requests: every call the plugin makes to an address someone typed.

Webhook endpoints and the Decidim URL import reach addresses entered in the admin; a
careless or hostile one could make the server call itself, the cloud's metadata service
or a machine of the private network (server-side request forgery). :func:`fetch` is
the only way the plugin makes such a request::

    from rencontres import outbound

    try:
        response = outbound.fetch(url, max_bytes=conf.IMPORT_MAX_FILE_SIZE)
    except outbound.OutboundError as error:
        form.add_error("url", str(error))  # a French message for the editor

What it guarantees:

* only ``http`` and ``https`` URLs (:class:`RefusedScheme`);
* the host name is resolved once, every address it resolves to is checked, and the
  connection is made to that checked address — never resolved again, so a name that
  answers differently a moment later (DNS rebinding) cannot slip through; the request
  still carries the original name (``Host`` header, TLS SNI and certificate check);
* private, loopback, link-local, multicast, reserved and unspecified addresses are
  refused (:class:`RefusedAddress`) unless ``RENCONTRES_OUTBOUND_ALLOW_PRIVATE`` is
  true or the address is in ``RENCONTRES_OUTBOUND_ALLOWED_NETWORKS``;
* redirects are followed by hand, each new URL checked like the first, at most
  ``max_redirects`` (:class:`TooManyRedirects`);
* a connect timeout, a read timeout per socket operation, and a bound on the whole
  exchange, redirects included (:class:`OutboundTimeout`);
* at most ``max_bytes`` of body, announced or received (:class:`ResponseTooLarge`).

Any other failure (refused connection, unknown name, TLS error, broken response) is
:class:`Unreachable`. Every error is an :class:`OutboundError` whose message, in
French, can be shown to an editor. A response with any status is returned: judging a
4xx or 5xx is the caller's business (``response.ok``).
"""

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext as _
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util.ssl_match_hostname import CertificateError

from .conf import conf

SCHEMES = {"http": 80, "https": 443}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Headers not carried to another origin by a redirect.
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
CHUNK = 64 * 1024


class OutboundError(Exception):
    """A request :func:`fetch` refused or could not complete; ``str()`` is a French
    message for the editor, ``url`` the address concerned."""

    def __init__(self, message, *, url=""):
        super().__init__(message)
        self.url = url


class InvalidURL(OutboundError):
    """Not a URL that can be requested (no host, a bad port, credentials in it…)."""


class RefusedScheme(OutboundError):
    """A scheme other than http or https."""


class RefusedAddress(OutboundError):
    """The host is, or resolves to, an address the settings do not allow."""


class ResponseTooLarge(OutboundError):
    """The body is larger than ``max_bytes``."""


class OutboundTimeout(OutboundError):
    """The connection, a read or the whole exchange took too long."""


class TooManyRedirects(OutboundError):
    """More redirects than ``max_redirects``."""


class Unreachable(OutboundError):
    """The name does not resolve, the connection or TLS failed, or the answer is broken."""


@dataclass(frozen=True)
class Response:
    """A complete answer: ``headers`` is case-insensitive, ``url`` the address that
    answered (after redirects)."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return 200 <= self.status < 300

    def text(self, encoding="utf-8"):
        return self.body.decode(encoding, errors="replace")


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as typed, lower case, without brackets
    port: int
    path: str  # path and query
    url: str

    @property
    def host_header(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"

    @property
    def origin(self):
        return (self.scheme, self.host, self.port)


def parse_url(url):
    """Check ``url`` as :func:`fetch` would before resolving it (scheme, host, port, no
    credentials), for a form; raises :class:`InvalidURL` or :class:`RefusedScheme`."""
    return _parse(url)


def _parse(url):
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except (ValueError, AttributeError):
        raise InvalidURL(_("Adresse invalide : %(url)s") % {"url": url}, url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise RefusedScheme(
            _("Seules les adresses http et https sont acceptées (reçu : « %(scheme)s »).")
            % {"scheme": scheme or "aucun"},
            url=url,
        )
    if not parts.hostname:
        raise InvalidURL(_("Adresse sans nom de serveur : %(url)s") % {"url": url}, url=url)
    if parts.username is not None or parts.password is not None:
        raise InvalidURL(
            _("Une adresse ne doit pas contenir d’identifiants : %(url)s") % {"url": url},
            url=url,
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(scheme, parts.hostname.lower(), port or SCHEMES[scheme], path, url)


def _allowed_networks():
    return [ipaddress.ip_network(net, strict=False) for net in conf.OUTBOUND_ALLOWED_NETWORKS]


def address_allowed(address, networks=None):
    """Whether the settings let :func:`fetch` connect to ``address`` (a string or an
    ``ipaddress`` object)."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if conf.OUTBOUND_ALLOW_PRIVATE:
        return True
    networks = _allowed_networks() if networks is None else networks
    if any(ip.version == net.version and ip in net for net in networks):
        return True
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_link_local
    )


def resolve(host, port, *, url=""):
    """The addresses ``host`` resolves to, each checked; raises :class:`RefusedAddress`
    if any is not allowed (a name mixing public and private addresses is refused)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Unreachable(
            _("Le serveur « %(host)s » est introuvable.") % {"host": host}, url=url
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    networks = _allowed_networks()
    for address in addresses:
        if not address_allowed(address, networks):
            raise RefusedAddress(
                _(
                    "L’adresse de « %(host)s » (%(address)s) est une adresse privée, locale "
                    "ou réservée : la requête est refusée."
                )
                % {"host": host, "address": address},
                url=url,
            )
    if not addresses:
        raise Unreachable(_("Le serveur « %(host)s » est introuvable.") % {"host": host}, url=url)
    return addresses


class _Deadline:
    """The bound on the whole exchange: a timer that shuts the socket when it passes."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._timer = None

    def remaining(self):
        left = self.end - time.monotonic()
        if left <= 0:
            self.expired = True
        return left

    def watch(self, conn):
        def cut():
            self.expired = True
            sock = getattr(conn, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        self._timer = threading.Timer(max(self.remaining(), 0), cut)
        self._timer.daemon = True
        self._timer.start()

    def unwatch(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _timeout_error(target, deadline):
    if deadline.expired:
        return OutboundTimeout(
            _("%(url)s n’a pas répondu entièrement en %(seconds)s secondes.")
            % {"url": target.url, "seconds": _seconds(deadline.seconds)},
            url=target.url,
        )
    return OutboundTimeout(
        _("%(url)s n’a pas répondu à temps.") % {"url": target.url}, url=target.url
    )


def _seconds(value):
    return f"{value:g}"


def _connection(target, address, timeout):
    if target.scheme == "https":
        is_ip = _is_ip(target.host)
        return HTTPSConnection(
            address,
            target.port,
            timeout=timeout,
            cert_reqs="CERT_REQUIRED",
            ca_certs=conf.OUTBOUND_CA_BUNDLE or None,
            server_hostname=None if is_ip else target.host,
            assert_hostname=target.host,
        )
    return HTTPConnection(address, target.port, timeout=timeout)


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _exchange(target, method, body, headers, *, connect_timeout, read_timeout, deadline, max_bytes):
    """One request to ``target`` (no redirect followed): ``(status, headers, body)``."""
    addresses = resolve(target.host, target.port, url=target.url)
    headers = {**headers, "Host": target.host_header}
    conn = None
    try:
        conn = _connect(target, addresses, connect_timeout, deadline)
        conn.timeout = max(min(read_timeout, deadline.remaining()), 0.001)
        conn.request(method, target.path, body=body, headers=headers, preload_content=False)
        response = conn.getresponse()
        if response.status in REDIRECT_STATUSES:
            return response.status, response.headers, b""
        announced = response.headers.get("Content-Length", "").strip()
        if announced.isdigit() and int(announced) > max_bytes:
            raise _too_large(target, max_bytes)
        chunks, size = [], 0
        while chunk := response.read1(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(target, max_bytes)
            chunks.append(chunk)
            if deadline.remaining() <= 0:
                raise _timeout_error(target, deadline)
        if deadline.expired:
            raise _timeout_error(target, deadline)
        return response.status, response.headers, b"".join(chunks)
    except OutboundError:
        raise
    except NewConnectionError as error:
        raise _unreachable(target, error.__cause__ or error, deadline) from error
    except (Urllib3Timeout, TimeoutError) as error:
        raise _timeout_error(target, deadline) from error
    except (Urllib3SSLError, ssl.SSLError, ssl.CertificateError, CertificateError) as error:
        raise Unreachable(
            _("Connexion sécurisée à %(url)s impossible (certificat ou TLS) : %(error)s")
            % {"url": target.url, "error": error},
            url=target.url,
        ) from error
    except (OSError, Urllib3Error, HTTPException) as error:
        raise _unreachable(target, error, deadline) from error
    finally:
        deadline.unwatch()
        if conn is not None:
            conn.close()


def _connect(target, addresses, connect_timeout, deadline):
    """A connection to the first of ``addresses`` that accepts one, watched by ``deadline``."""
    for index, address in enumerate(addresses):
        left = deadline.remaining()
        if left <= 0:
            raise _timeout_error(target, deadline)
        conn = _connection(target, address, min(connect_timeout, left))
        deadline.watch(conn)
        try:
            conn.connect()
        except (OSError, Urllib3Error):
            deadline.unwatch()
            conn.close()
            if index == len(addresses) - 1:
                raise
        else:
            return conn
    raise AssertionError("resolve() returns at least one address")  # pragma: no cover


def _unreachable(target, error, deadline):
    if deadline.expired:
        return _timeout_error(target, deadline)
    return Unreachable(
        _("%(url)s est injoignable : %(error)s") % {"url": target.url, "error": error},
        url=target.url,
    )


def _too_large(target, max_bytes):
    return ResponseTooLarge(
        _("La réponse de %(url)s dépasse la taille permise (%(bytes)s octets).")
        % {"url": target.url, "bytes": max_bytes},
        url=target.url,
    )


def fetch(
    url,
    *,
    method="GET",
    data=None,
    headers=None,
    connect_timeout=None,
    read_timeout=None,
    timeout=None,
    max_bytes=None,
    max_redirects=None,
):
    """Request ``url`` and return its :class:`Response`, or raise an :class:`OutboundError`.

    ``data`` (bytes or text, sent as UTF-8) is the body; ``headers`` are sent as given,
    beside ``User-Agent`` (``RENCONTRES_OUTBOUND_USER_AGENT``) and ``Accept-Encoding:
    identity`` unless given. ``connect_timeout``, ``read_timeout`` (per socket
    operation), ``timeout`` (the whole exchange), ``max_bytes`` and ``max_redirects``
    default to the ``RENCONTRES_OUTBOUND_*`` settings. A 301, 302 or 303 turns a
    request other than HEAD into a GET without body; 307 and 308 repeat it as it was;
    credentials headers are dropped when a redirect leaves the origin.
    """
    connect_timeout = conf.OUTBOUND_CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
    read_timeout = conf.OUTBOUND_READ_TIMEOUT if read_timeout is None else read_timeout
    total = conf.OUTBOUND_TIMEOUT if timeout is None else timeout
    max_bytes = conf.OUTBOUND_MAX_BYTES if max_bytes is None else max_bytes
    max_redirects = conf.OUTBOUND_MAX_REDIRECTS if max_redirects is None else max_redirects
    method = method.upper()
    body = data.encode() if isinstance(data, str) else data
    sent = {"User-Agent": conf.OUTBOUND_USER_AGENT, "Accept-Encoding": "identity"}
    for name, value in (headers or {}).items():
        sent = {key: val for key, val in sent.items() if key.lower() != name.lower()}
        sent[name] = value

    deadline = _Deadline(total)
    target = _parse(url)
    redirects = []
    while True:
        status, response_headers, content = _exchange(
            target,
            method,
            body,
            sent,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            deadline=deadline,
            max_bytes=max_bytes,
        )
        location = response_headers.get("Location")
        if status not in REDIRECT_STATUSES or not location:
            return Response(status, response_headers, content, target.url, redirects)
        if len(redirects) >= max_redirects:
            raise TooManyRedirects(
                _("Trop de redirections depuis %(url)s (%(count)s au plus).")
                % {"url": url, "count": max_redirects},
                url=url,
            )
        next_target = _parse(urljoin(target.url, location))
        redirects.append(next_target.url)
        if status in (301, 302, 303) and method != "HEAD":
            method, body = "GET", None
            sent = {k: v for k, v in sent.items() if k.lower() not in ("content-type",)}
        if next_target.origin != target.origin:
            sent = {k: v for k, v in sent.items() if k.lower() not in CREDENTIAL_HEADERS}
        target = next_target
