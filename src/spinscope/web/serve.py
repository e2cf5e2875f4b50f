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
import socket
from collections.abc import Sequence

from spinscope.errors import InputError
from spinscope.store import DEFAULT_URL
from spinscope.web.limits import LOOPBACK_HOSTS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
_WILDCARDS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """``localhost`` (and ``*.localhost``, loopback by definition, RFC 6761) unless the
    resolver maps it elsewhere, or a loopback address such as 127.0.0.1 or ::1."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        try:
            found = resolve(name)
        except InputError:  # loopback by name; binding it fails in allowed_hosts, in one line
            return True
        return all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in found)
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def resolve(host: str) -> list[str]:
    """The addresses ``host`` would be bound to; InputError when the name does not resolve
    (``*.localhost`` names resolve only where the system's resolver says so)."""
    name = host.strip().strip("[]").rstrip(".")
    try:
        infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise InputError(f"--host {host}", f"cannot resolve it to an address ({reason})") from None
    found = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not found:
        raise InputError(f"--host {host}", "cannot resolve it to an address")
    return found


def check_port(host: str, port: int) -> None:
    """InputError when ``host:port`` cannot be listened on (in use, not this machine's
    address, no permission), said in one line before the server starts."""
    name = host.strip().strip("[]") or None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            name, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (OSError, UnicodeError, IndexError):
        raise InputError(f"--host {host}", "cannot resolve it to an address") from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind(address)
        except OSError as e:
            raise InputError(
                f"--host {host} --port {port}", f"cannot listen there ({e.strerror or e})"
            ) from None


def allowed_hosts(host: str, *, allow_remote: bool, extra: Sequence[str] = ()) -> list[str]:
    """The ``Host`` names the app answers when bound to ``host``; InputError if not allowed."""
    if host.strip() not in _WILDCARDS:
        resolve(host)  # a name that does not resolve fails here, not inside uvicorn
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
    """Check ``host`` (InputError if it does not resolve, or is not loopback and not
    ``allow_remote``) and that ``port`` is free there (InputError), then serve."""
    hosts = allowed_hosts(host, allow_remote=allow_remote, extra=extra_hosts)
    check_port(host, port)
    import uvicorn

    from spinscope.web.app import create_app

    app = create_app(db_url, allowed_hosts=hosts, allow_private_urls=allow_private_urls)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
