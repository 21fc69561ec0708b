from .choices import RegistrationMode, RencontreFormat, RencontreStatus
from .geography import Departement, Region
from .imports import ImportRecord
from .index import RencontreIndexPage
from .organisations import Organisation
from .pages import RencontreOrganisation, RencontrePage
from .permissions import RencontresPermissions
from .publication_log import EventType, PublicationEvent, Redaction
from .querysets import RencontreQuerySet
from .tasks import TaskFailure

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
    "RencontresPermissions",
    "RencontreStatus",
    "TaskFailure",
]
