"""The shared HTTP cache in front of the site (Varnish): what it may keep, and purges.

- :mod:`.tags`: the surrogate keys (``xkey``) a response carries — what it shows;
- :mod:`.middleware`: ``Cache-Control`` (``s-maxage`` for the shared cache, a short
  ``max-age`` for browsers), the keys, ``ETag``/``Last-Modified`` and 304 on the
  responses anyone may share; ``private`` on what depends on who asks;
- :mod:`.varnish`: the client that purges Varnish by key and bans by URL (also a
  backend of ``wagtail.contrib.frontend_cache``);
- :mod:`.purge`: the purge task (queue ``purge``) and :func:`~.purge.schedule`, called on
  commit by :mod:`.triggers` for every change a visitor or an API consumer can see.
"""
