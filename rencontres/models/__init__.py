from .choices import RegistrationMode, RencontreFormat, RencontreStatus
from .geography import Departement, Region
from .imports import ImportRecord
from .index import RencontreIndexPage
from .organisations import Organisation
from .pages import RencontreOrganisation, RencontrePage
from .permissions import RencontresPermissions
from .querysets import RencontreQuerySet
from .tasks import TaskFailure

__all__ = [
    "Departement",
    "ImportRecord",
    "Organisation",
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
