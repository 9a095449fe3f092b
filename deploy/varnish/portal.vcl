vcl 4.1;
# The portal's caching policy for Varnish 7 (Debian 12's varnish 7.1), in front of the app servers.
#
# What may be cached is the app's decision, stated in its response headers: `Cache-Control` (s-maxage, the time
# Varnish keeps a page; stale-while-revalidate, the grace during which a stale copy is served while a fresh one is
# fetched), `Vary`, `ETag` and `Surrogate-Key` (the dependency keys of the page, e.g. `collection initiative:12`).
# This file only adds what a shared cache in front of a Django site needs:
#   - requests of signed-in people (a session cookie, a flash message, Authorization) and every method other than
#     GET and HEAD go to the app untouched, and their answers are never kept (Varnish's built-in rules);
#   - cookies that are not the portal's own are dropped, so that a stray one does not make a page uncacheable;
#   - `X-Forwarded-Proto` is part of the cache key: the app answers plain-HTTP requests with a redirect to HTTPS,
#     which must never be served to an HTTPS request;
#   - `Accept-Language` is reduced to the portal's languages (it only matters to unprefixed addresses);
#   - `BAN` from the purgers (acl in backends.vcl) with `Surrogate-Key: k1 k2 …` drops every kept page that carries
#     any of those keys (portal/cdn.py sends it after a change commits); a page that came without keys depends on
#     the whole collection and is dropped by a purge of `collection` or of `all` (the app's "everything": a renamed,
#     merged or deleted term; every page the app keys carries `all` too);
#   - `Surrogate-Key` is removed before delivery; `X-Cache: HIT|MISS` says where an answer came from.
#
# The machines (backends, their health probe, the purgers' addresses) are in backends.vcl, included below:
# varnishd -f /etc/varnish/portal.vcl -p vcl_path=/etc/varnish (see README, "Deploying").

import cookie;
import directors;
import std;

include "backends.vcl";

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        set req.http.Surrogate-Key = regsuball(req.http.Surrogate-Key, "^\s+|\s+$", "");
        # Keys are letters, digits, ':', '_' and '-' (they become a regular expression below: nothing else may).
        if (req.http.Surrogate-Key !~ "^[A-Za-z0-9:_-]+(\s+[A-Za-z0-9:_-]+)*$") {
            return (synth(400, "Surrogate-Key: keys separated by spaces"));
        }
        # Only obj.* in the expression: the ban lurker applies it to the kept pages in the background, so the
        # list of bans stays short. No space in the expression's regular expression (a space ends it).
        ban("obj.http.Surrogate-Key ~ (^|[[:space:]])(" + regsuball(req.http.Surrogate-Key, "\s+", "|")
            + ")([[:space:]]|$)");
        return (synth(200, "Banned"));
    }

    set req.backend_hint = app.backend();

    if (req.url ~ "^/healthz") {
        return (pass);
    }
    if (req.http.Cookie) {
        cookie.parse(req.http.Cookie);
        cookie.keep("sessionid,csrftoken,messages,django_language");
        set req.http.Cookie = cookie.get_string();
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    # The first of the portal's languages the header names (browsers list them by preference), else nothing.
    if (req.http.Accept-Language ~ "(?i)(^|[\s,])(en|fr|es|ar)([-;,\s]|$)") {
        set req.http.Accept-Language = std.tolower(
            regsub(req.http.Accept-Language, "(?i)^.*?(^|[\s,])(en|fr|es|ar)([-;,\s].*)?$", "\2"));
    } else {
        unset req.http.Accept-Language;
    }
    # Then Varnish's built-in rules: Authorization, any cookie left, or a method other than GET/HEAD: pass.
}

sub vcl_hash {
    hash_data(req.http.X-Forwarded-Proto);
    # Then the built-in: the URL and the Host.
}

sub vcl_backend_response {
    if (beresp.ttl > 0s && !beresp.http.Cache-Control && !beresp.http.Expires) {
        # The app said nothing of an answer Varnish may keep (not an error: their TTL is already below zero):
        # keep it a minute, at most (a purge of "collection" drops it sooner).
        set beresp.ttl = 60s;
        set beresp.grace = 10s;
    }
    if (!beresp.http.Surrogate-Key && bereq.url !~ "^/static/") {
        set beresp.http.Surrogate-Key = "collection all";
    }
    # Then the built-in: Set-Cookie, private, no-store, no-cache or Vary: * are never kept.
}

sub vcl_deliver {
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
