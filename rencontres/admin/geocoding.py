"""The edit view's notice on a rencontre's point: typed, found from the address (and
where), not found, or the geocoder's failure — so the editor knows whether to type
the coordinates by hand. A failure never blocks saving: it is shown here."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from ..conf import conf
from ..models import GeocodedAddress, GeocodingStatus, MapPointSource
from ..models.choices import FORMATS_WITH_PLACE
from ..models.places import address_query, commune_for, query_key


def geocoding_state(page):
    """``(level, message)`` of the notice for ``page`` as edited (level: info, success,
    warning), or None for a rencontre without a place."""
    if page.format not in FORMATS_WITH_PLACE:
        return None
    if page.latitude is not None and page.longitude is not None:
        return "info", _(
            "Point saisi à la main (latitude %(lat)s, longitude %(lon)s) : il est utilisé "
            "tel quel sur les cartes. Videz les deux champs pour le retrouver d’après l’adresse."
        ) % {"lat": page.latitude, "lon": page.longitude}

    fallback = _fallback_text(page)
    query = address_query(page.address, page.postcode, page.commune)
    if not query:
        return "info", _("Sans adresse, la rencontre est placée %(fallback)s.") % {
            "fallback": fallback
        }
    answer = GeocodedAddress.objects.filter(key=query_key(GeocodedAddress.ADDRESS, query)).first()
    if answer is None:
        if not conf.GEOCODER_URL:
            return "info", _(
                "Le géocodage des adresses n’est pas configuré : la rencontre est placée "
                "%(fallback)s. Saisissez la latitude et la longitude pour la placer exactement."
            ) % {"fallback": fallback}
        return "info", _(
            "L’adresse est en cours de géocodage : enregistrez ou rechargez la page dans un "
            "moment pour voir le point trouvé. En attendant, la rencontre est placée %(fallback)s."
        ) % {"fallback": fallback}
    if answer.status == GeocodingStatus.OK:
        return "success", _(
            "Point trouvé d’après l’adresse : « %(label)s » (fiabilité %(score)s %%), latitude "
            "%(lat)s, longitude %(lon)s. S’il est faux, saisissez la latitude et la longitude."
        ) % {
            "label": answer.label,
            "score": round((answer.score or 0) * 100),
            "lat": answer.latitude,
            "lon": answer.longitude,
        }
    values = {"message": answer.message, "fallback": fallback}
    if answer.status == GeocodingStatus.ERROR:
        return "warning", _(
            "Le géocodage de l’adresse a échoué : %(message)s. Il est retenté "
            "automatiquement, et à chaque enregistrement. En attendant, la rencontre est "
            "placée %(fallback)s ; saisissez la latitude et la longitude pour la placer "
            "exactement."
        ) % values
    if answer.status == GeocodingStatus.UNCOVERED:
        return "info", _(
            "Adresse non géocodée : %(message)s. La rencontre est placée %(fallback)s ; "
            "saisissez la latitude et la longitude pour la placer exactement."
        ) % values
    return "warning", _(
        "Adresse introuvable : %(message)s. Vérifiez-la ; la rencontre est placée "
        "%(fallback)s. Saisissez la latitude et la longitude pour la placer exactement."
    ) % values


def _fallback_text(page):
    commune = commune_for(page.postcode, page.commune)
    if commune is not None and commune.has_point:
        return _("au centre de sa commune (%(name)s)") % {"name": commune.name}
    return _("nulle part : sa commune n’est pas dans la liste des communes")


class GeocodingPanel(Panel):
    """The notice above the coordinates (see the module's documentation)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "rencontres/admin/geocoding_panel.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.state = geocoding_state(self.instance) if self.instance is not None else None

        def is_shown(self):
            return self.state is not None and super().is_shown()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["level"], context["message"] = self.state
            context["manual"] = MapPointSource.MANUAL
            return context
