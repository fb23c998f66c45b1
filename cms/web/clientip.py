"""The visitor's address, for rate limits and login lockout alike.

Behind ``KOBO_TRUSTED_PROXY_COUNT`` reverse proxies the socket's peer (``REMOTE_ADDR``) is
the nearest proxy, and each proxy appends the address it was reached from to
``X-Forwarded-For``. The visitor is therefore the address that many places from the right
of "X-Forwarded-For, then REMOTE_ADDR"; whatever stands further left was written by the
visitor and is never trusted. With no proxy (the default) the peer is the visitor.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The visitor's address as the configured number of trusted proxies saw it."""
    peer = request.META.get("REMOTE_ADDR", "")
    hops = settings.KOBO_TRUSTED_PROXY_COUNT
    if hops <= 0:
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, peer]
    if len(chain) <= hops:
        # Fewer hops than proxies: the request did not come through all of them; the peer is what we know.
        return peer
    candidate = chain[-(hops + 1)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
