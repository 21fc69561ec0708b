"""The signature of a webhook delivery (README « Webhooks »).

Each request carries::

    Rencontres-Signature: t=1764489600,v1=5f2c…,v1=9ab0…

``t`` is the time of sending (Unix seconds) and each ``v1`` the hexadecimal
HMAC-SHA256, under one of the endpoint's secrets, of the bytes ``f"{t}."`` followed by
the request body: one for the current secret, a second one for the previous secret
during its grace period after a change. A receiver accepts the request when one ``v1``
matches its secret and ``t`` is recent (five minutes), so that a captured request
cannot be replayed later.
"""

import hashlib
import hmac

HEADER = "Rencontres-Signature"
EVENT_HEADER = "Rencontres-Event"
DELIVERY_HEADER = "Rencontres-Delivery"
SCHEME = "v1"


def signature(secret, timestamp, body):
    """The hexadecimal HMAC-SHA256 of ``b"<timestamp>." + body`` under ``secret``."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets, timestamp, body):
    """The value of :data:`HEADER` for ``body`` signed at ``timestamp`` by ``secrets``."""
    parts = [f"t={int(timestamp)}"]
    parts += [f"{SCHEME}={signature(secret, timestamp, body)}" for secret in secrets]
    return ",".join(parts)
