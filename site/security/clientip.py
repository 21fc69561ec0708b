"""The client's address, as far as this server can know it.

``REMOTE_ADDR`` is the peer of the TCP connection. Behind a reverse proxy (Varnish on
the same machine), that peer is the proxy, and the visitor's address is the one the
proxy appended to ``X-Forwarded-For``. A client can send any ``X-Forwarded-For`` it
likes, so the header is read only when the peer is one of ``TRUSTED_PROXIES``, and
only its trusted tail: walking from the right, the first address that is not a
trusted proxy is the client. Anything a client wrote to the left of it is ignored.
"""

import ipaddress

from django.conf import settings


def _parse(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted_networks():
    networks = []
    for entry in getattr(settings, "TRUSTED_PROXIES", ()):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return networks


def _is_trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    """The visitor's IP address as a string (``REMOTE_ADDR`` unless a trusted proxy
    forwarded the request); also django-axes' ``AXES_CLIENT_IP_CALLABLE``."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks()
    if not networks or not _is_trusted(_parse(remote), networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Garbage in the part of the header a client wrote: stop at the last proxy.
            break
        if not _is_trusted(address, networks):
            return str(address)
    return remote
