from .geography import Departement, Region
from .imports import ImportRecord
from .organisations import Organisation
from .pages import (
    RegistrationMode,
    RencontreFormat,
    RencontreIndexPage,
    RencontreOrganisation,
    RencontrePage,
    RencontreQuerySet,
    RencontreStatus,
)
from .publication_log import EventType, PublicationEvent, Redaction

__all__ = [
    "Departement",
    "EventType",
    "ImportRecord",
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
    "RencontreStatus",
]
