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
from .permissions import RencontresPermissions

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
]
