"""Which network addresses a server-side fetch may reach (the guard against request forgery).

The web app fetches URLs that anyone who reaches it may type. Bound beyond loopback
(``--allow-remote``), it must not become a way into the network it runs in: the machine itself,
the LAN, a cloud provider's metadata service. :func:`refusal` says why an address is not a
public one; :func:`resolve` turns a host name into addresses exactly once, so the address that
was checked is the address that :mod:`spinscope.ingest.url` connects to (no second look-up
that a rebinding DNS server could answer differently).

Parsing is left to the platform: ``socket.getaddrinfo`` reads every spelling a URL may use for
an IPv4 address (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``) into its dotted form,
and :mod:`ipaddress` classifies the result. IPv6 addresses that carry an IPv4 address (mapped
``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) are judged by that address too.
"""

from __future__ import annotations

import ipaddress
import socket

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` (a name or a literal, ASCII), in resolver order, each once.

    Raises ``OSError`` (``socket.gaierror``) when the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: str) -> str | None:
    """Why a fetch must not connect to ``address`` ("private address"…), or None if public.

    Refused: unspecified, loopback, link-local (169.254/16 with the cloud metadata service,
    fe80::/10), multicast, reserved, private (RFC 1918, fc00::/7, the deprecated fec0::/10
    site-local) and every other range that is not globally reachable (100.64/10, 192.0.2/24…).
    """
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:  # packets go to the IPv4 address: judge that alone
            return refusal(str(embedded))
        if ip.sixtofour is not None:
            why = refusal(str(ip.sixtofour))
            if why is not None:
                return why
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_reserved:
        return "reserved address"
    if ip.is_private or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local):
        return "private address"
    if not ip.is_global:
        return "non-public address"
    return None


def is_literal(host: str) -> bool:
    """Whether ``host`` is written as an IP address in its standard form (not a name)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
