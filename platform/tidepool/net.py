"""The client's address, from a Django request or a Channels scope."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def client_ip(request_or_scope: Any) -> str | None:
    """X-Forwarded-For is believed only with TRUST_X_FORWARDED_FOR on (behind your own
    proxy); otherwise anyone could pick their address and dodge per-IP limits."""
    trust = settings.TRUST_X_FORWARDED_FOR
    if isinstance(request_or_scope, dict) and "type" in request_or_scope:  # a Channels scope
        headers = dict(request_or_scope.get("headers") or [])
        forwarded = headers.get(b"x-forwarded-for", b"").decode(errors="ignore")
        client = request_or_scope.get("client") or (None, None)
        candidate = forwarded.split(",")[0].strip() if trust and forwarded else client[0]
    else:
        meta = getattr(request_or_scope, "META", request_or_scope) or {}
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        candidate = (
            forwarded.split(",")[0].strip() if trust and forwarded else meta.get("REMOTE_ADDR")
        )
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None
