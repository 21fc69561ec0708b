"""The rencontres' queryset: the building blocks the selectors use."""

from django.db import models
from django.utils import timezone
from wagtail.models import PageManager, PageQuerySet


class RencontreQuerySet(PageQuerySet):
    """Reads shared by the listing, the feeds and the API."""

    def published_q(self):
        """What visitors and anonymous API consumers may see, as a ``Q`` on pages: live
        and outside any view restriction (password, login or groups), whoever asks.

        Only ``Page``'s own columns, so it filters pages of any type. Read it through
        :mod:`rencontres.selectors` (``published_q``, ``published_pages``,
        ``published_rencontres``): the one definition every public reader uses.
        Evaluating it reads the view restrictions (one query).
        """
        # The view restrictions change only with a visible change: read once until then.
        from ..fragments import memo

        return models.Q(live=True) & ~memo("private-q", self.private_q)

    def published(self):
        """Live and public (:meth:`published_q`)."""
        return self.filter(self.published_q())

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now())


RencontreManager = PageManager.from_queryset(RencontreQuerySet)
