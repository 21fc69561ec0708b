"""The format of a meeting exported without a meeting type (Decidim 0.27): online,
hybrid or in person, inferred from its address, location and links."""

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ..models.choices import RencontreFormat
from . import html as html_mapping

# -- format of a meeting without a meeting type (0.27 exports) ------------------------

# What a venue reads like when the meeting is online: « En ligne », « Visio », « Zoom »…
ONLINE_HINT_RE = re.compile(
    r"\b(?:en[ -]ligne|visio\w*|webinai?res?|webinars?|web-?conf\w*|distanciel|"
    r"[àa] distance|online|zoom|teams|jitsi|google meet|bigbluebutton)\b",
    re.I,
)
_URL_RE = re.compile(r"https?://[^\s<>\"'()]+", re.I)
# Hosts of video-conference services, and words that name one in a host.
CONFERENCE_DOMAINS = (
    "zoom.us", "meet.google.com", "teams.microsoft.com", "teams.live.com", "meet.jit.si",
    "whereby.com", "webex.com", "gotomeeting.com", "livestorm.co", "rendez-vous.renater.fr",
)  # fmt: skip
CONFERENCE_HOST_WORDS = re.compile(r"(?:^|[.-])(?:visio|jitsi|bbb|webconf|webinaire)(?:[.-]|$)")


def conference_link(*texts):
    """The first link to a video-conference service in ``texts``, or ""."""
    for text in texts:
        for url in _URL_RE.findall(unescape(text or "")):
            host = urlsplit(url.rstrip(".,;:")).hostname or ""
            if CONFERENCE_HOST_WORDS.search(host) or any(
                host == domain or host.endswith("." + domain) for domain in CONFERENCE_DOMAINS
            ):
                return url.rstrip(".,;:")
    return ""


@dataclass
class InferredFormat:
    """The format given to a meeting whose export says none, and why (for the report)."""

    format: str
    online_url: str
    reason: str


def infer_format(address, location, location_hints, online_url):
    """The format of a meeting without ``type_of_meeting`` (Decidim 0.27 and older):
    an address and a link: hybride; an address: présentiel; a link, no venue or a
    venue that says « en ligne », « visio »… and no address: en ligne (Decidim shows
    the link to registered participants only, so it is often absent). A venue without
    address that is no online hint stays présentiel (and needs its commune).

    ``location`` and ``location_hints`` may be HTML: links are looked for in it."""
    link = online_url or conference_link(location, location_hints)
    location, location_hints = (
        html_mapping.plain_text(location),
        html_mapping.plain_text(location_hints),
    )
    if address:
        if link:
            return InferredFormat(
                RencontreFormat.HYBRIDE, link, _("une adresse et un lien de connexion")
            )
        return InferredFormat(RencontreFormat.PRESENTIEL, "", _("une adresse"))
    if link:
        return InferredFormat(
            RencontreFormat.EN_LIGNE, link, _("un lien de connexion, pas d’adresse")
        )
    if not location:
        return InferredFormat(RencontreFormat.EN_LIGNE, "", _("ni adresse ni lieu"))
    if ONLINE_HINT_RE.search(location) or ONLINE_HINT_RE.search(location_hints):
        return InferredFormat(
            RencontreFormat.EN_LIGNE,
            "",
            _("pas d’adresse, lieu « %(location)s »") % {"location": location},
        )
    return InferredFormat(
        RencontreFormat.PRESENTIEL,
        "",
        _("pas d’adresse, lieu « %(location)s » (pas une rencontre en ligne)")
        % {"location": location},
    )
