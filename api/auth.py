"""Bearer tokens and roles, from configuration (never from code).

A wrong token, or no token where reads need one, is refused before GraphQL runs, so
nothing is read or written; an editor-only operation checks the role itself.
"""

from __future__ import annotations

import hmac

from graphmodel.settings import Settings


def role_for(authorization: str | None, settings: Settings) -> tuple[str | None, str | None]:
    """(role, refusal): the caller's role, or why the request is refused."""
    if not authorization:
        if settings.reads_need_token:
            return None, "a bearer token is required"
        return None, None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "the Authorization header must be 'Bearer <token>'"
    token = token.strip()
    # Compare against every token in constant time, so timing does not reveal a prefix.
    role = None
    for known, known_role in settings.tokens.items():
        if hmac.compare_digest(known.encode(), token.encode()):
            role = known_role
    if role is None:
        return None, "unknown bearer token"
    return role, None
