"""Revisions that stay as they were saved."""


class KeepsPublishedRevisionsMixin:
    """For page models: an autosave never rewrites a revision that went live.

    Wagtail 8's autosave rewrites in place the revision its tab last saved
    (``overwrite_revision_id``), if it is the page's latest and its author's. That
    revision may have gone live meanwhile — a moderator approving it in « Relecture »,
    or a scheduled publication — and rewriting it would make the live revision (what
    « Comparer », the history and the translations read as published) hold text that
    was never published. Such a save becomes a new revision instead; the others are
    overwritten as Wagtail does.
    """

    def save_revision(self, *args, overwrite_revision=None, **kwargs):
        if overwrite_revision is not None and (
            overwrite_revision.pk == self.live_revision_id
            or overwrite_revision.approved_go_live_at is not None
        ):
            overwrite_revision = None
        return super().save_revision(*args, overwrite_revision=overwrite_revision, **kwargs)
