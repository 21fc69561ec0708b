from .geography import Departement, Region
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

__all__ = [
    "Departement",
    "Organisation",
    "Region",
    "RegistrationMode",
    "RencontreFormat",
    "RencontreIndexPage",
    "RencontreOrganisation",
    "RencontrePage",
    "RencontreQuerySet",
    "RencontreStatus",
]
