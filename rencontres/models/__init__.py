from .choices import RegistrationMode, RencontreFormat, RencontreStatus
from .geography import Departement, Region
from .imports import DecidimSync, ImportRecord, ImportRun
from .index import RencontreIndexPage
from .organisations import Organisation
from .pages import RencontreOrganisation, RencontrePage
from .permissions import RencontresPermissions
from .places import (
    Commune,
    CommuneKind,
    CommunePostcode,
    GeocodedAddress,
    GeocodingStatus,
    MapPointSource,
    PointSource,
)
from .publication_log import EventType, PublicationEvent, Redaction
from .querysets import RencontreQuerySet
from .tasks import TaskFailure
from .translation_sync import TranslationSyncIssue
from .webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Commune",
    "CommuneKind",
    "CommunePostcode",
    "GeocodedAddress",
    "GeocodingStatus",
    "MapPointSource",
    "PointSource",
    "DeliveryStatus",
    "Departement",
    "DecidimSync",
    "EventType",
    "ImportRecord",
    "ImportRun",
    "Organisation",
    "PublicationEvent",
    "Redaction",
    "Region",
    "RegistrationMode",
    "RencontreFormat",
    "RencontreIndexPage",
    "RencontreOrganisation",
    "RencontrePage",
    "RencontreQuerySet",
    "RencontresPermissions",
    "RencontreStatus",
    "TaskFailure",
    "WebhookDelivery",
    "WebhookEndpoint",
    "TranslationSyncIssue",
]
