# The HTTP cache in front of the rencontres site (Varnish 7.1, vmod xkey).
#
# The application decides what is cached: a response is stored only when it carries
# `Cache-Control: public, …, s-maxage=N` and the surrogate keys of what it shows in an
# `xkey` header (rencontres.cache). Everything else — the admin, previews, signed-in
# editors, pages with a CSRF token or a session — goes through uncached.
#
# Purges come from the purge task of the application (rencontres.cache.purge), from
# the loopback or RENCONTRES_PURGERS only:
#   PURGE with `xkey-purge: p12 list`    drops every object tagged p12 or list;
#   PURGE with `x-ban-url: ^/(en/)?x/`   bans the objects whose path matches the regex.
#
# backends.vcl is written by whoever starts varnishd (scripts/serve, the tests): the
# app processes' backends, the `app` round-robin director and the subroutines
# rencontres_host (sets the site's configured Host) and rencontres_language.
vcl 4.1;

import std;
import xkey;

include "backends.vcl";

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        set req.http.x-purged = "0";
        if (req.http.xkey-purge) {
            set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        }
        if (req.http.x-ban-url) {
            ban("obj.http.x-url ~ " + req.http.x-ban-url);
        }
        return (synth(200, "Purged " + req.http.x-purged));
    }

    set req.backend_hint = app.backend();
    # One Host for every object: the site's configured host (no split per alias).
    call rencontres_host;
    unset req.http.proxy;  # httpoxy
    set req.http.X-Forwarded-Proto = "http";

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin (and its previews), the password form of private pages, health checks.
    if (req.url ~ "^/(admin|_util|healthz|readyz|csp-report)/" ||
        req.url ~ "^/[a-z]{2}(-[a-z]+)?/_util/") {
        return (pass);
    }
    # A session (a signed-in editor, a visitor who entered a private page's password)
    # can change the page: never served from nor stored into the cache.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # API v3 tokens may see more than the public.
    if (req.http.Authorization) {
        return (pass);
    }
    # Anonymous pages depend on no cookie (csrftoken, analytics, language…).
    unset req.http.Cookie;
    # Language prefixes decide the language of pages; the API and the sitemap may
    # read Accept-Language: one variant per site language at most.
    call rencontres_language;
    # Tracking parameters do not change the page.
    set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid|mc_[a-z]+)=[^&]*", "\1");
    set req.url = regsuball(req.url, "[?&]+$", "");
    set req.url = regsub(req.url, "\?&+", "?");
    # Serve stale objects for at most 10 s while the app answers; for the whole grace
    # (beresp.grace) when no app process is healthy.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.host);
    return (lookup);
}

sub vcl_backend_response {
    # Lurker-friendly bans test the object, not the request.
    set beresp.http.x-url = bereq.url;
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Only what the application marked for a shared cache, and tagged.
    if (!beresp.http.xkey || beresp.http.Cache-Control !~ "s-maxage=" ||
        beresp.http.Cache-Control ~ "(private|no-store|no-cache)" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 30s;
        return (deliver);
    }
    # Vary: Accept-Language on a page whose language is in its path was removed by the
    # app; what is left (the API, the sitemap) varies on the normalised header.
    set beresp.grace = 6h;
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.x-url;
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
