"""Old import path of the départements' reference data (migration 0002 uses it)."""

from .models.reference import DEFAULT_TIMEZONE, DEPARTEMENTS, PARIS, REGIONS, sort_order

__all__ = ["DEFAULT_TIMEZONE", "DEPARTEMENTS", "PARIS", "REGIONS", "sort_order"]
