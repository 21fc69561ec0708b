"""Webhooks: each event of the publication log, signed and POSTed to the partners'
endpoints by the task worker (queue ``webhooks``).

:mod:`.signing` signs a body; :mod:`.delivery` reads the log after each publication
(:func:`~.delivery.dispatch_events`), records one delivery per endpoint and event, and
sends it (:func:`~.delivery.deliver`) through :mod:`rencontres.outbound`, retried with
the retry helper. The README's « Webhooks » section documents the request.
"""
