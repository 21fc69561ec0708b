"""Old import path of the StreamField blocks (migrations reference ``rencontres.blocks.*``)."""

from .models.blocks import *  # noqa: F403
from .models.blocks import __all__  # noqa: F401
