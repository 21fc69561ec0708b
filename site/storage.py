"""Media on S3-compatible object storage (django-storages), private by default."""

import logging

from botocore.config import Config
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from rencontres.faults import log_outage

logger = logging.getLogger(__name__)

#: Errors that mean the object storage cannot be reached (refused, timed out, reset).
UNREACHABLE = (BotoConnectionError, HTTPClientError)


class MediaStorage(S3Storage):
    """Every object private, except Wagtail's images.

    Images (originals and renditions) are public in every page that shows them, and
    pages are cached: their objects are public-read and their URLs unsigned, so a
    cached page never holds an expired link. Everything else (documents, import
    uploads…) is private: only signed, short-lived URLs reach it, and Wagtail serves
    documents itself (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``) after checking the
    document's privacy. ``object_acls=False`` (``AWS_S3_OBJECT_ACLS=0``) sends no ACL,
    for buckets with ACLs turned off: give them a policy that lets anyone read the
    image prefixes instead.
    """

    #: Folders of Wagtail's original images and renditions.
    public_prefixes = ("original_images/", "images/")

    def __init__(self, *, object_acls=True, timeout=3, **settings):
        self.object_acls = object_acls
        settings.setdefault("default_acl", None)
        settings.setdefault("file_overwrite", False)  # two uploads named alike: two files
        settings.setdefault("querystring_expire", 5 * 60)
        super().__init__(**settings)
        # An unreachable service costs seconds, not botocore's minute and its retries
        # with back-off: a page waiting for an image must not wait for long.
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=timeout,
                read_timeout=timeout * 2,
                retries={"mode": "standard", "max_attempts": 2},
            )
        )

    def _open(self, name, mode="rb"):
        """An unreachable service is an ``OSError``, as a missing file is: Wagtail then
        renders a page without the image whose rendition it cannot make, not a 500."""
        try:
            return super()._open(name, mode)
        except UNREACHABLE as error:
            log_outage(
                logger, f"s3:{type(error).__name__}", "media storage unreachable", error=error
            )
            raise OSError(f"media storage unreachable: {error}") from error

    def is_public(self, name):
        return name.startswith(self.public_prefixes)

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        if self.object_acls:
            parameters.setdefault("ACL", "public-read" if self.is_public(name) else "private")
        return parameters

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.is_public(name) or parameters or http_method:
            return super().url(name, parameters, expire, http_method)
        # A public object: the same unsigned URL every time.
        key = self._normalize_name(clean_name(name))
        if self.custom_domain:
            return f"{self.url_protocol}//{self.custom_domain}/{filepath_to_uri(key)}"
        return self.unsigned_connection.meta.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket.name, "Key": key}
        )
