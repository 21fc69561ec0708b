"""Where rencontres are: the communes of France and the geocoder's answers.

* :class:`Commune` (with its :class:`CommunePostcode`) is the offline list of communes
  with their postcodes and a point, loaded by ``manage.py load_communes`` from public
  registry packages (README « Carte et distances »). It resolves what a visitor types
  in « Près de » and gives a rencontre without coordinates its commune's centre.
* :class:`GeocodedAddress` keeps each answer of the address geocoder, by normalised
  query: a rencontre's point is read from it when the page is saved, the edit view
  shows it (or the failure) to the editor, and a place typed twice is asked once.

Nothing here calls the network: the geocoder is called by the tasks of
:mod:`rencontres.places.tasks`, which send :data:`points_moved` when its answers move
saved rencontres.
"""

import hashlib
import re
import unicodedata

from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from .choices import FORMATS_WITH_PLACE

#: Sent with ``page_ids`` once a transaction that moved rencontres' points outside of a
#: save commits (a geocoder's answer, a new list of communes): their pages, maps,
#: ``carte.geojson`` and API answers changed without a publication, so a cache in front
#: purges them.
points_moved = Signal()

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
#: Abbreviations folded into the word they stand for (« St Etienne » = « Saint-Étienne »).
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalise(text):
    """``"St-Étienne "`` → ``"saint etienne"``: lower case, no accent, no punctuation,
    the usual abbreviations of Saint written out. The key communes are looked up by."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    ascii_text = ascii_text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    words = _NOT_ALNUM.sub(" ", ascii_text).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def address_query(address, postcode, commune):
    """The text sent to the geocoder for a place, "" when there is nothing to locate
    beyond the commune (no street address)."""
    address = " ".join((address or "").split())
    if not address:
        return ""
    locality = " ".join(
        part for part in ((postcode or "").strip(), (commune or "").strip()) if part
    )
    return ", ".join(part for part in (address, locality) if part)


def query_key(kind, query):
    """The cache key of a geocoder query (its normalised text, hashed)."""
    return hashlib.sha1(f"{kind}:{normalise(query)}".encode(), usedforsecurity=False).hexdigest()


class CommuneKind(models.TextChoices):
    COMMUNE = "commune", _("commune")
    ARRONDISSEMENT = "arrondissement", _("arrondissement municipal")
    DELEGUEE = "deleguee", _("commune déléguée")
    ASSOCIEE = "associee", _("commune associée")


class PointSource(models.TextChoices):
    """Where a commune's point comes from, from the most to the least precise."""

    GEONAMES = "geonames", _("GeoNames")
    PARENT = "parent", _("commune de rattachement")
    POSTCODE = "postcode", _("commune voisine de même code postal")
    DEPARTEMENT = "departement", _("centre du département")


class Commune(models.Model):
    """A commune (or a municipal arrondissement of Paris, Lyon and Marseille, or a
    former commune now déléguée or associée), identified by its INSEE code."""

    code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=255)
    search_name = models.CharField(_("nom normalisé"), max_length=255, db_index=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=CommuneKind.choices, default=CommuneKind.COMMUNE
    )
    departement_code = models.CharField(_("département"), max_length=3, db_index=True)
    parent_code = models.CharField(
        _("commune de rattachement"),
        max_length=5,
        blank=True,
        help_text=_("Pour un arrondissement municipal ou une commune déléguée ou associée."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True)
    point_source = models.CharField(
        _("origine du point"), max_length=20, choices=PointSource.choices, blank=True
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["search_name", "code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = normalise(self.name)
        super().save(*args, **kwargs)

    @property
    def has_point(self):
        return self.latitude is not None and self.longitude is not None


class CommunePostcode(models.Model):
    """One postcode of a commune (a commune may have several, a postcode several communes)."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postcodes")
    postcode = models.CharField(_("code postal"), max_length=5, db_index=True)

    class Meta:
        verbose_name = _("code postal d’une commune")
        verbose_name_plural = _("codes postaux des communes")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "postcode"], name="rencontres_commune_postcode"
            )
        ]

    def __str__(self):
        return f"{self.postcode} {self.commune.name}"


class GeocodingStatus(models.TextChoices):
    OK = "ok", _("trouvé")
    NOT_FOUND = "not_found", _("introuvable")
    ERROR = "error", _("échec")
    UNCOVERED = "uncovered", _("hors du champ du géocodeur")


class GeocodedAddress(models.Model):
    """The geocoder's answer for one query (a rencontre's address, or a place a visitor
    typed), kept so that saving a page, showing its edit view or searching twice reads
    it without calling the geocoder again."""

    ADDRESS = "address"
    PLACE = "place"

    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, default=ADDRESS)
    query = models.CharField(_("adresse demandée"), max_length=600)
    status = models.CharField(_("résultat"), max_length=20, choices=GeocodingStatus.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    label = models.CharField(_("adresse trouvée"), max_length=600, blank=True)
    citycode = models.CharField(max_length=5, blank=True)
    message = models.TextField(_("message"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("adresse géocodée")
        verbose_name_plural = _("adresses géocodées")

    def __str__(self):
        return f"{self.query} ({self.get_status_display()})"

    @property
    def found(self):
        return self.status == GeocodingStatus.OK and self.latitude is not None


# -- a rencontre's point ---------------------------------------------------------------


class MapPointSource(models.TextChoices):
    """Where the point of a rencontre on maps and in distances comes from."""

    MANUAL = "manual", _("coordonnées saisies")
    ADDRESS = "address", _("adresse géocodée")
    COMMUNE = "commune", _("centre de la commune")


def commune_for(postcode, name):
    """The commune of a place given by its postcode and its commune's name (either may
    be empty), or None (two queries; see :func:`_best_commune`)."""
    key = normalise(name)
    postcode = (postcode or "").strip()
    with_postcode = list(Commune.objects.filter(postcodes__postcode=postcode)) if postcode else []
    named = list(Commune.objects.filter(search_name=key)) if key else []
    return _best_commune(postcode, key, with_postcode, named)


def _rank(communes):
    return sorted(communes, key=lambda c: (-(c.population or 0), c.code))


def _postcode_prefix(departement_code):
    return "20" if departement_code in ("2A", "2B") else departement_code


def _best_commune(postcode, key, with_postcode, named):
    """Among the communes with the postcode, the one with the name (a municipal
    arrondissement rather than its city: « 75011 Paris » is the 11th), else an
    arrondissement, else the most populous; without any, the commune of that name in
    the postcode's département, else the most populous of that name."""
    if with_postcode:
        arrondissements = [c for c in with_postcode if c.kind == CommuneKind.ARRONDISSEMENT]
        same_name = [c for c in with_postcode if c.search_name == key]
        if same_name:
            best = _rank(same_name)[0]
            inside = [c for c in arrondissements if c.parent_code == best.code]
            return _rank(inside)[0] if inside else best
        return _rank(arrondissements or with_postcode)[0]
    if named:
        here = [c for c in named if postcode.startswith(_postcode_prefix(c.departement_code))]
        return _rank(here or named)[0]
    return None


def locate(page):
    """Set the page's point (``map_latitude``, ``map_longitude``, ``map_point_source``)
    and ``address_key`` from its fields: the coordinates typed by the editor; else the
    geocoder's answer for its address, when there is one; else its commune's centre.
    An online rencontre has no point. A few queries: :func:`locate_many` for many pages."""
    query = address_query(page.address, page.postcode, page.commune)
    page.address_key = query_key(GeocodedAddress.ADDRESS, query) if query else ""
    point = (None, None, "")
    if page.format in FORMATS_WITH_PLACE:
        if page.latitude is not None and page.longitude is not None:
            point = (page.latitude, page.longitude, MapPointSource.MANUAL)
        else:
            found = None
            if page.address_key:
                found = GeocodedAddress.objects.filter(
                    key=page.address_key, status=GeocodingStatus.OK
                ).first()
            if found is not None and found.found:
                point = (found.latitude, found.longitude, MapPointSource.ADDRESS)
            elif page.postcode or page.commune:
                commune = commune_for(page.postcode, page.commune)
                if commune is not None and commune.has_point:
                    point = (commune.latitude, commune.longitude, MapPointSource.COMMUNE)
    page.map_latitude, page.map_longitude, page.map_point_source = point
    return page


def locate_many(pages):
    """:func:`locate` for many pages (an import) in three queries whatever their number."""
    for page in pages:
        query = address_query(page.address, page.postcode, page.commune)
        page.address_key = query_key(GeocodedAddress.ADDRESS, query) if query else ""
    keys = {page.address_key for page in pages if page.address_key}
    found = {
        answer.key: answer
        for answer in GeocodedAddress.objects.filter(key__in=keys, status=GeocodingStatus.OK)
    }
    postcodes = {page.postcode for page in pages if page.postcode}
    by_postcode = {}
    for link in CommunePostcode.objects.filter(postcode__in=postcodes).select_related("commune"):
        by_postcode.setdefault(link.postcode, []).append(link.commune)
    names = {normalise(page.commune) for page in pages if page.commune}
    by_name = {}
    for commune in Commune.objects.filter(search_name__in=names):
        by_name.setdefault(commune.search_name, []).append(commune)
    for page in pages:
        point = (None, None, "")
        answer = found.get(page.address_key)
        if page.format not in FORMATS_WITH_PLACE:
            pass
        elif page.latitude is not None and page.longitude is not None:
            point = (page.latitude, page.longitude, MapPointSource.MANUAL)
        elif answer is not None and answer.found:
            point = (answer.latitude, answer.longitude, MapPointSource.ADDRESS)
        else:
            commune = _best_commune(
                page.postcode,
                normalise(page.commune),
                by_postcode.get(page.postcode, []),
                by_name.get(normalise(page.commune), []),
            )
            if commune is not None and commune.has_point:
                point = (commune.latitude, commune.longitude, MapPointSource.COMMUNE)
        page.map_latitude, page.map_longitude, page.map_point_source = point
    return pages


def announce_moved(sender, page_ids):
    """Send :data:`points_moved` for ``page_ids`` once the transaction commits (``sender``:
    :class:`GeocodedAddress` for a geocoder's answer, :class:`Commune` for a new list)."""
    page_ids = sorted(set(page_ids))
    if page_ids:
        transaction.on_commit(
            lambda: points_moved.send(sender=sender, page_ids=page_ids), robust=True
        )
