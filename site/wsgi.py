import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencontres_site.settings.production")
application = get_wsgi_application()

from rencontres.public.opendata import with_kept_files  # noqa: E402 - after Django is set up

# The open-data files of the current publication, answered before Django (README, « Open
# data »); kept by rencontres.public.opendata.OpenDataMiddleware.
application = with_kept_files(application)

from rencontres_site.warmup import warm_up  # noqa: E402 - after Django is set up

warm_up()
