"""``spinscope serve``: run the web app with uvicorn, on loopback unless told otherwise.

The app has no accounts and no login: anyone who can reach it can read the corpus and add to
it. So it binds loopback only, unless the user passes ``allow_remote`` (``--allow-remote``),
and it answers only the ``Host`` names it was started for (loopback names, the bound host, and
any ``--allowed-host``), which stops DNS-rebinding pages from reading it through a browser.
Article URLs are fetched from public addresses only, unless ``allow_private_urls``
(``--allow-private-urls``, for analysing an intranet) lets them reach internal ones too.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from spinscope.errors import InputError
from spinscope.store import DEFAULT_URL
from spinscope.web.limits import LOOPBACK_HOSTS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
_WILDCARDS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """``localhost`` (and ``*.localhost``) or a loopback address such as 127.0.0.1 or ::1."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, *, allow_remote: bool, extra: Sequence[str] = ()) -> list[str]:
    """The ``Host`` names the app answers when bound to ``host``; InputError if not allowed."""
    if not is_loopback(host) and not allow_remote:
        raise InputError(
            f"--host {host}",
            "not a loopback address; the web app has no login, so anyone who can reach it can "
            "read and add to the corpus. Pass --allow-remote to serve other machines anyway",
        )
    names = [*LOOPBACK_HOSTS]
    bound = host.strip().strip("[]").lower()
    if bound not in _WILDCARDS:
        names.append(_as_host_header(bound))
    names += [_as_host_header(h.strip().strip("[]").lower()) for h in extra if h.strip()]
    return list(dict.fromkeys(names))


def _as_host_header(name: str) -> str:
    """How a ``Host`` header spells ``name`` (an IPv6 literal goes in brackets)."""
    return f"[{name}]" if ":" in name else name


def serve(
    db_url: str = DEFAULT_URL,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    allow_remote: bool = False,
    extra_hosts: Sequence[str] = (),
    allow_private_urls: bool = False,
) -> None:
    """Check ``host`` (InputError if it is not loopback and not ``allow_remote``), then serve."""
    hosts = allowed_hosts(host, allow_remote=allow_remote, extra=extra_hosts)
    import uvicorn

    from spinscope.web.app import create_app

    app = create_app(db_url, allowed_hosts=hosts, allow_private_urls=allow_private_urls)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
