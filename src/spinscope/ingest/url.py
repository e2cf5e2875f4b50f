"""Articles by URL: fetch one page over HTTP(S) and read it like a file.

The network is used only here, and only when the user hands over an argument that starts with
``http://`` or ``https://``. A fetch is bounded: :data:`TIMEOUT_S` seconds in all, at most
:data:`MAX_BYTES` of (decompressed) body, at most :data:`MAX_REDIRECTS` redirects, each to
http or https only. Anything else is an :class:`~spinscope.errors.InputError` naming the URL in
one line ("HTTP 404 Not Found", "timed out after 20 s", "larger than 10 MiB").

HTML goes through :func:`spinscope.ingest.html.from_html`, plain text stays as received.
``source.url`` is the URL the user gave (``meta["fetched_url"]`` the final one after
redirects); the outlet is the page's site name from its metadata, else the host name
without ``www.``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from spinscope import __version__
from spinscope.document import Document, Source
from spinscope.errors import InputError
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


def is_url(arg: str) -> bool:
    """Whether a command-line argument is a URL to fetch (http/https, one token)."""
    return (
        arg[:8].lower().startswith(("http://", "https://"))
        and len(arg) <= 8192
        and not any(c.isspace() for c in arg)
    )


@dataclass(frozen=True)
class Fetched:
    url: str  # as given
    final_url: str  # after redirects
    content_type: str  # lower-cased, parameters kept ("text/html; charset=utf-8")
    body: bytes


def fetch(url: str) -> Fetched:
    """GET ``url`` within the limits above; :class:`InputError` (naming ``url``) otherwise."""
    import urllib3

    deadline = time.monotonic() + TIMEOUT_S
    current = url
    _check_scheme(url, current)
    with urllib3.PoolManager(headers={"User-Agent": _USER_AGENT, "Accept": "*/*"}) as http:
        for _ in range(MAX_REDIRECTS + 1):
            resp = _request(http, url, current, deadline)
            try:
                if resp.status in _REDIRECTS:
                    location = resp.headers.get("Location")
                    if not location:
                        raise InputError(url, f"HTTP {resp.status} redirect without a Location")
                    current = urljoin(current, location.strip())
                    _check_scheme(url, current)
                    continue
                if resp.status != 200:
                    raise InputError(url, f"HTTP {resp.status} {resp.reason or ''}".strip())
                ctype = (resp.headers.get("Content-Type") or "").lower()
                return Fetched(url, current, ctype, _read_body(url, resp, deadline))
            finally:
                resp.release_conn()
    raise InputError(url, f"more than {MAX_REDIRECTS} redirects")


def iter_url(url: str, name: str | None = None) -> Iterator[Item]:
    """One ``(name, Document | InputError)`` for a URL (the shape :func:`iter_inputs` yields)."""
    name = name or url
    try:
        yield name, load_url(url)
    except InputError as e:
        yield name, e


def load_url(url: str) -> Document:
    """Fetch ``url`` and read it as one article."""
    from spinscope.ingest.detect import DecodeError, decode, text_kind
    from spinscope.ingest.load import document_from_content
    from spinscope.ingest.warc import decode_body

    got = fetch(url)
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


def _request(http, url: str, current: str, deadline: float):  # type: ignore[no-untyped-def]
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
        return http.request(
            "GET",
            current,
            redirect=False,
            retries=urllib3.Retry(total=0, redirect=False, raise_on_status=False),
            timeout=urllib3.Timeout(connect=min(left, 10.0), read=left),
            preload_content=False,
            decode_content=True,
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
        raise InputError(url, f"cannot connect ({_connect_reason(cause)})") from None
    if isinstance(cause, TimeoutError):
        raise InputError(url, f"timed out after {TIMEOUT_S:g} s") from None
    if isinstance(cause, SSLError):
        raise InputError(url, f"TLS error ({_first_line(cause)})") from None
    if isinstance(cause, LocationParseError):
        raise InputError(url, "not a valid URL") from None
    raise InputError(url, f"fetch failed ({type(cause).__name__}: {_first_line(cause)})")


def _read_body(url: str, resp, deadline: float) -> bytes:  # type: ignore[no-untyped-def]
    from urllib3.exceptions import DecodeError, HTTPError, ProtocolError, TimeoutError

    limit = f"larger than {MAX_BYTES // (1024 * 1024)} MiB (the limit for one article)"
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BYTES:
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
            if size > MAX_BYTES:
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


def _connect_reason(e: BaseException) -> str:
    """ "Connection refused" rather than urllib3's "<HTTPConnection object at 0x…>: Failed…"."""
    text = _first_line(e)
    marker = "Failed to establish a new connection: "
    return text.split(marker, 1)[1] if marker in text else text


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:200] if text else type(e).__name__
