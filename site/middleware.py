"""Static files served by the app processes themselves (production)."""

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with a year rather than its ten as the lifetime of hashed files:
    ``Cache-Control: max-age=31536000, public, immutable`` (a year is the longest
    lifetime HTTP caches are asked to honour, RFC 9111)."""

    FOREVER = 365 * 24 * 60 * 60
