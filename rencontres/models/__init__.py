from .choices import RegistrationMode, RencontreFormat, RencontreStatus
from .geography import Departement, Region
from .imports import ImportRecord
from .index import RencontreIndexPage
from .organisations import Organisation
from .pages import RencontreOrganisation, RencontrePage
from .querysets import RencontreQuerySet

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
    "RencontreStatus",
]
