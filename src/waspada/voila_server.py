"""Server-side pieces `waspada serve` plugs into Voila (imported by the Voila process only).

Jupyter Server gives every visitor of a server without a token a random anonymous user name and
keeps it in a cookie (``username-<host>-<port>``), so that the visitor is the same person on the
next request. Waspada's apps keep nothing per person on the server, and the course promises no
cookies: this identity provider still names each request's anonymous user, but never stores the
name in the browser.
"""

from __future__ import annotations

from typing import Any

from voila.voila_identity_provider import VoilaIdentityProvider


class CookielessIdentityProvider(VoilaIdentityProvider):
    """Voila's identity provider without the login cookie."""

    def set_login_cookie(self, handler: Any, user: Any) -> None:
        return None
