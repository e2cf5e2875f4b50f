"""Articles by URL: fetch one page over HTTP(S) and read it like a file.

The network is used only here, and only when the user hands over an argument that starts with
``http://`` or ``https://``. A fetch is bounded: :data:`TIMEOUT_S` seconds in all, at most
:data:`MAX_BYTES` of (decompressed) body, at most :data:`MAX_REDIRECTS` redirects, each to
http or https only. Anything else is an :class:`~spinscope.errors.InputError` naming the URL in
one line ("HTTP 404 Not Found", "timed out after 20 s", "larger than 10 MiB").

``public_only`` (what the web app uses unless started with ``--allow-private-urls``) guards
against server-side request forgery: each hop's host name is resolved once, every address it
resolves to must be public (:func:`spinscope.ingest.addresses.refusal`), and the connection
goes to that checked address — with the name in the ``Host`` header, in TLS SNI and in the
certificate check — so DNS cannot answer differently between check and connect. Redirects are
checked hop by hop the same way. The command line fetches without the guard: a local user may
read their own intranet.

HTML goes through :func:`spinscope.ingest.html.from_html`, plain text stays as received.
``source.url`` is the URL the user gave (``meta["fetched_url"]`` the final one after
redirects); the outlet is the page's site name from its metadata, else the host name
without ``www.``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from spinscope import __version__
from spinscope.document import Document, Source
from spinscope.errors import InputError
from spinscope.ingest import addresses
from spinscope.ingest.content import document_from_content
from spinscope.ingest.detect import DecodeError, decode, decode_body, text_kind
from spinscope.ingest.jsonl import Item

#: Seconds for the whole fetch (connecting, redirects, reading the body).
TIMEOUT_S = 20.0
#: Largest body read, after decompression (the same limit as a file: 10 MiB).
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
_SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown")
_CHUNK = 64 * 1024
_USER_AGENT = f"spinscope/{__version__} (news article analysis; one page per request)"
_HEADERS = {"User-Agent": _USER_AGENT, "Accept": "*/*"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_url(arg: str) -> bool:
    """Whether a command-line argument is a URL to fetch (http/https, one token)."""
    if not (
        arg[:8].lower().startswith(("http://", "https://"))
        and len(arg) <= 8192
        and not any(c.isspace() for c in arg)
    ):
        return False
    try:
        return bool(urlsplit(arg).hostname)  # "http://" alone names no page
    except ValueError:  # an unbalanced "[" in the host part: a URL, a bad one (fetch says so)
        return True


@dataclass(frozen=True)
class Fetched:
    url: str  # as given
    final_url: str  # after redirects
    content_type: str  # lower-cased, parameters kept ("text/html; charset=utf-8")
    body: bytes


def fetch(url: str, *, public_only: bool = False, max_bytes: int | None = None) -> Fetched:
    """GET ``url`` within the limits above; :class:`InputError` (naming ``url``) otherwise.

    ``public_only``: connect only to public addresses, checked hop by hop and pinned (see
    the module text). ``max_bytes``: a smaller body limit than :data:`MAX_BYTES`.
    """
    import urllib3

    limit = MAX_BYTES if max_bytes is None else min(max_bytes, MAX_BYTES)
    deadline = time.monotonic() + TIMEOUT_S
    current = url
    _check_scheme(url, current)
    with urllib3.PoolManager(headers=_HEADERS) as http:
        for _ in range(MAX_REDIRECTS + 1):
            if public_only:
                resp, pool = _pinned_request(url, current, deadline)
            else:
                resp, pool = _request(http, url, current, deadline), None
            try:
                if resp.status in _REDIRECTS:
                    location = resp.headers.get("Location")
                    if not location:
                        raise InputError(url, f"HTTP {resp.status} redirect without a Location")
                    current = urljoin(current, location.strip())
                    _check_scheme(url, current)
                    # the redirect's body is unread: close its connection rather than hand it
                    # back, or the next hop's request on it reads that body as its answer
                    resp.close()
                    continue
                if resp.status != 200:
                    raise InputError(url, f"HTTP {resp.status} {resp.reason or ''}".strip())
                ctype = (resp.headers.get("Content-Type") or "").lower()
                return Fetched(url, current, ctype, _read_body(url, resp, deadline, limit))
            finally:
                resp.release_conn()
                if pool is not None:
                    pool.close()
    raise InputError(url, f"more than {MAX_REDIRECTS} redirects")


def iter_url(url: str, name: str | None = None) -> Iterator[Item]:
    """One ``(name, Document | InputError)`` for a URL (the shape :func:`iter_inputs` yields)."""
    name = name or url
    try:
        yield name, load_url(url)
    except InputError as e:
        yield name, e


def load_url(url: str, *, public_only: bool = False, max_bytes: int | None = None) -> Document:
    """Fetch ``url`` and read it as one article (arguments as for :func:`fetch`)."""
    got = fetch(url, public_only=public_only, max_bytes=max_bytes)
    mime = got.content_type.split(";")[0].strip()
    if mime and mime not in _HTML_TYPES + _TEXT_TYPES:
        raise InputError(url, f"not an article page (Content-Type {mime})")
    if mime in _TEXT_TYPES:
        try:
            content, encoding = decode(got.body)
        except DecodeError as e:
            raise InputError(url, str(e)) from None
        kind = "text"
    else:
        content, encoding = decode_body(got.body, got.content_type)
        kind = "html" if mime else text_kind(content)
        if kind == "jsonl":
            kind = "text"
    source = Source(path=None, url=url, kind=kind)
    if got.final_url != url:
        # trafilatura reads the URL for metadata: give it the page's real address
        source.url = got.final_url
    doc = document_from_content(content, source, kind, url)
    doc.source.url = url
    if got.final_url != url:
        doc.meta["fetched_url"] = got.final_url
    if encoding.lower().replace("_", "-") not in ("utf-8", "ascii"):
        doc.meta["encoding"] = encoding
    if not doc.outlet or doc.outlet.lower() in _host_forms(got.final_url):
        # no site name in the page (trafilatura falls back to the raw host, port included)
        doc.outlet = outlet_of(got.final_url)
    return doc


def outlet_of(url: str) -> str | None:
    """The host name of ``url`` without ``www.`` ("https://www.bbc.co.uk/x" → "bbc.co.uk")."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _host_forms(url: str) -> set[str]:
    parts = urlsplit(url)
    forms = {parts.netloc.lower(), (parts.hostname or "").lower()}
    return forms | {f.removeprefix("www.") for f in forms}


def _check_scheme(url: str, target: str) -> None:
    try:
        parts = urlsplit(target)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as e:
        raise InputError(url, f"not a valid URL ({e})") from None
    if parts.scheme.lower() not in _SCHEMES:
        what = "URL" if target == url else f"redirect to {target[:200]}"
        raise InputError(url, f"{what}: only http and https are fetched")
    if not host:
        raise InputError(url, f"no host name in {target[:200]}")


def _remaining(url: str, deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise InputError(url, f"timed out after {TIMEOUT_S:g} s")
    return left


class _ConnectError(InputError):
    """The connection itself failed (refused, unreachable): another address may still answer."""


def _pinned_request(url: str, current: str, deadline: float):  # type: ignore[no-untyped-def]
    """GET ``current`` from a checked public address of its host: ``(response, pool)``.

    The host name is resolved once; if any of its addresses is not public the fetch is refused,
    else the addresses are tried in resolver order (the next one only when a connection cannot
    be made). The pool connects to the address itself, and sends the name as ``Host`` and, for
    https, as SNI, against which the ssl module verifies the certificate.
    """
    import urllib3

    parts = urlsplit(current)
    scheme = parts.scheme.lower()
    host = _ascii_host(url, parts.hostname or "")
    if ":" in host:  # an IPv6 literal; its zone (fe80::1%25eth0) is percent-encoded
        host = unquote(host)
    port = parts.port or _DEFAULT_PORTS[scheme]
    try:
        found = addresses.resolve(host, port)
    except (OSError, UnicodeError, ValueError):
        raise InputError(url, f"cannot resolve host name {host}") from None
    if not found:
        raise InputError(url, f"cannot resolve host name {host}")
    hop = "" if current == url else f"redirect to {current[:200]}: "
    for address in found:
        why = addresses.refusal(address)
        if why is not None:
            article = "an" if why[0] in "aeiou" else "a"
            what = why if addresses.is_literal(host) else f"{host} resolves to {article} {why}"
            raise InputError(url, f"refused: {hop}{what}")
    host_header = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        host_header += f":{parts.port}"
    headers = {**_HEADERS, "Host": host_header}
    path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    for i, address in enumerate(found):
        pool: urllib3.HTTPConnectionPool
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(address, port, maxsize=1, server_hostname=host)
        else:
            pool = urllib3.HTTPConnectionPool(address, port, maxsize=1)
        try:
            resp = _request(pool, url, current, deadline, path=path, headers=headers)
        except _ConnectError:
            pool.close()
            if i == len(found) - 1:
                raise
            continue
        except BaseException:
            pool.close()
            raise
        return resp, pool
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _ascii_host(url: str, host: str) -> str:
    """``host`` as it goes to the resolver, ``Host`` and SNI: IDNA for a non-ASCII name."""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InputError(url, f"not a valid host name ({host[:100]})") from None


def _request(  # type: ignore[no-untyped-def]
    http, url: str, current: str, deadline: float, *, path: str | None = None, **kw
):
    import urllib3
    from urllib3.exceptions import (
        HTTPError,
        LocationParseError,
        MaxRetryError,
        NameResolutionError,
        NewConnectionError,
        SSLError,
        TimeoutError,
    )

    left = _remaining(url, deadline)
    try:
        if path is not None:  # a pool pinned to one address: the path only, any host name
            kw["assert_same_host"] = False
        return http.request(
            "GET",
            current if path is None else path,
            redirect=False,
            retries=urllib3.Retry(total=0, redirect=False, raise_on_status=False),
            timeout=urllib3.Timeout(connect=min(left, 10.0), read=left),
            preload_content=False,
            decode_content=True,
            **kw,
        )
    except MaxRetryError as e:  # retries=0 wraps the real cause
        cause: BaseException = e.reason or e
    except (HTTPError, OSError) as e:
        cause = e
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2: test it before timeouts
    if isinstance(cause, NameResolutionError):
        host = urlsplit(current).hostname
        raise InputError(url, f"cannot resolve host name {host}") from None
    if isinstance(cause, NewConnectionError):
        raise _ConnectError(url, f"cannot connect ({_connect_reason(cause)})") from None
    if isinstance(cause, TimeoutError):
        raise InputError(url, f"timed out after {TIMEOUT_S:g} s") from None
    if isinstance(cause, SSLError):
        raise InputError(url, f"TLS error ({_first_line(cause)})") from None
    if isinstance(cause, LocationParseError):
        raise InputError(url, "not a valid URL") from None
    raise InputError(url, f"fetch failed ({type(cause).__name__}: {_first_line(cause)})")


def _read_body(url: str, resp, deadline: float, max_bytes: int) -> bytes:  # type: ignore[no-untyped-def]
    from urllib3.exceptions import DecodeError, HTTPError, ProtocolError, TimeoutError

    limit = f"larger than {_size(max_bytes)} (the limit for one article)"
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise InputError(url, limit)
    parts: list[bytes] = []
    size = 0
    try:
        while True:
            # read1: whatever one receive brings, so a server that trickles bytes still
            # meets the deadline check
            chunk = resp.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise InputError(url, limit)
            parts.append(chunk)
            _remaining(url, deadline)
    except TimeoutError:
        raise InputError(url, f"timed out after {TIMEOUT_S:g} s") from None
    except DecodeError:
        raise InputError(url, "cannot decode the compressed body") from None
    except (ProtocolError, HTTPError, OSError) as e:
        raise InputError(url, f"connection broke while reading ({_first_line(e)})") from None
    return b"".join(parts)


def _size(n: int) -> str:
    mib = 1024 * 1024
    return f"{n // mib} MiB" if n % mib == 0 else f"{n:,} bytes"


def _connect_reason(e: BaseException) -> str:
    """ "Connection refused" rather than urllib3's "<HTTPConnection object at 0x…>: Failed…"."""
    text = _first_line(e)
    marker = "Failed to establish a new connection: "
    return text.split(marker, 1)[1] if marker in text else text


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:200] if text else type(e).__name__
