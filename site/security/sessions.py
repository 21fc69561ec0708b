"""Admin sessions end after ``ADMIN_SESSION_IDLE_TIMEOUT`` seconds without an admin request.

Only people with an account sign in (the public site has none). Activity is what they
do in the admin: the last activity is written to the session at most once a minute,
on admin requests only (never on a public page or an API answer, which shared caches
keep), and the session's own expiry follows it, so the cookie and the stored session
end together. An admin request after the idle time signs the user out.
"""

import time

from django.conf import settings
from django.contrib.auth import logout

from .paths import is_admin_request

LAST_ACTIVITY_KEY = "_rencontres_last_activity"
#: Seconds between two writes of the last activity.
RESOLUTION = 60


def idle_timeout():
    return int(getattr(settings, "ADMIN_SESSION_IDLE_TIMEOUT", 12 * 60 * 60))


class AdminIdleTimeoutMiddleware:
    """Sign out an authenticated session idle for longer than the timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Admin requests with a session cookie only: reading request.user elsewhere would
        # mark the session as read (« Vary: Cookie ») and writing it would set a cookie on
        # public pages and API answers that shared caches keep.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not is_admin_request(request):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timeout = idle_timeout()
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > timeout:
                logout(request)  # flushes the session: the admin asks to sign in again
            elif not isinstance(last, int) or now - last >= RESOLUTION:
                request.session[LAST_ACTIVITY_KEY] = now
                request.session.set_expiry(timeout)
        return self.get_response(request)
