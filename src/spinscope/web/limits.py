"""ASGI middleware: body size limit (413), cross-site request refusal (403), security headers.

The limit counts bytes as they arrive, so a chunked upload without Content-Length is cut off
too; the rest of a refused body (up to 64 MiB) is read and dropped before the 413, so that a
client still sending it reads the answer instead of a connection reset. Headers: a strict
Content-Security-Policy (scripts only from this origin; the article view
never needs inline script), no sniffing, no framing, no referrer leaks to article URLs (same-origin policy).

Cross-site requests: a state-changing request (POST, PUT, PATCH, DELETE) that a browser sent
from another site is refused, judged by ``Sec-Fetch-Site`` (sent by every current browser) or,
failing that, by ``Origin`` against the request's own ``Host``. Requests without either header
(curl, scripts, the API from another program) are not browser cross-site requests and pass.
The ``Host`` allow-list that defeats DNS rebinding is Starlette's ``TrustedHostMiddleware``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

#: Sent on every response (the 500 handler, outside all middleware, adds them itself).
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # same-origin, not no-referrer: under no-referrer a browser's own form posts carry
    # "Origin: null", which the cross-site check must refuse; other sites still get nothing
    "referrer-policy": "same-origin",
}

#: Host names and addresses of this machine's loopback interface, as a ``Host`` header has them
#: (IPv6 literals in brackets).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Most bytes of a refused body read (and dropped) so that the client gets its 413; a larger
#: body is cut off at once.
DRAIN_BYTES = 64 * 1024 * 1024


class _TooLarge(HTTPException):
    """Raised while the app reads the body, so the app's own handler answers 413 as JSON."""


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                # a client that waits for "100 Continue" (curl) has not sent the body: answer
                if headers.get("expect", "").lower() != "100-continue":
                    if int(declared) <= DRAIN_BYTES:
                        await _drain(receive, DRAIN_BYTES)
                await self._reject(send)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(413, f"request body too large (limit {self.max_bytes:,} bytes)")
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _drain(receive, DRAIN_BYTES - seen)
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {"error": f"request body too large (limit {self.max_bytes:,} bytes)"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive, budget: int) -> None:
    """Read and drop the rest of a refused body, up to ``budget`` bytes, before answering.

    A client that sends its whole body before reading (most libraries; curl waits for
    ``100 Continue``) would otherwise see the connection reset instead of the 413: closing a
    socket with unread data in it makes the kernel send RST.
    """
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return  # the client went away
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CrossOriginGuard:
    """403 for a state-changing request that a browser sent from another site (CSRF)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        site = headers.get("sec-fetch-site")
        origin = headers.get("origin")
        reason = None
        if site is not None and site.lower() not in ("same-origin", "none"):
            reason = f"Sec-Fetch-Site: {site[:40]}"
        elif origin is not None and not same_origin(origin, scope["scheme"], headers.get("host")):
            reason = f"Origin {origin[:100]!r} is not this site"
        if reason is not None:
            message = f"cross-site request refused ({reason})"
            await JSONResponse({"error": message}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def same_origin(origin: str, scheme: str, host: str | None) -> bool:
    """Whether an ``Origin`` header names the site at ``scheme://host`` (default ports equal)."""
    if not host or origin == "null":
        return False
    try:
        o = urlsplit(origin)
        h = urlsplit(f"{scheme}://{host}")
        return (
            o.scheme == h.scheme
            and o.hostname is not None
            and o.hostname == h.hostname
            and _port(o.port, o.scheme) == _port(h.port, h.scheme)
            and not o.path.strip("/")
        )
    except ValueError:  # a malformed Origin or Host (bad port, bad IPv6 literal)
        return False


def _port(port: int | None, scheme: str) -> int | None:
    return port if port is not None else {"http": 80, "https": 443}.get(scheme)
