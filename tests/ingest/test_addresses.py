"""The request-forgery guard: which addresses a server-side fetch may reach, in every spelling.

No network: literal addresses never reach a DNS server, and host names go through a patched
``socket.getaddrinfo``.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from spinscope.errors import InputError
from spinscope.ingest import addresses
from spinscope.ingest.addresses import is_literal, refusal, resolve
from spinscope.ingest.url import fetch


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback address"),
        ("127.255.255.254", "loopback address"),
        ("::1", "loopback address"),
        ("10.0.0.1", "private address"),
        ("172.16.5.4", "private address"),
        ("192.168.1.1", "private address"),
        ("fc00::1", "private address"),
        ("fd12:3456::1", "private address"),
        ("fec0::1", "private address"),  # deprecated site-local
        ("169.254.169.254", "link-local address"),  # cloud metadata
        ("169.254.0.1", "link-local address"),
        ("fe80::1", "link-local address"),
        ("fe80::1%1", "link-local address"),
        ("0.0.0.0", "unspecified address"),
        ("::", "unspecified address"),
        ("224.0.0.1", "multicast address"),
        ("239.255.255.250", "multicast address"),
        ("ff02::1", "multicast address"),
        ("ff0e::1", "multicast address"),
        ("240.0.0.1", "reserved address"),
        ("255.255.255.255", "reserved address"),
        ("::127.0.0.1", "reserved address"),  # deprecated IPv4-compatible form
        ("100.64.0.1", "non-public address"),  # carrier-grade NAT
        ("192.0.2.10", "private address"),  # documentation (TEST-NET-1)
        # IPv6 forms that carry an IPv4 address are judged by it
        ("::ffff:127.0.0.1", "loopback address"),
        ("::ffff:7f00:1", "loopback address"),
        ("::ffff:10.0.0.1", "private address"),
        ("::ffff:169.254.169.254", "link-local address"),
        ("64:ff9b::a9fe:a9fe", "link-local address"),  # NAT64 of 169.254.169.254
        ("64:ff9b::7f00:1", "loopback address"),
        ("2002:7f00:1::", "loopback address"),  # 6to4 of 127.0.0.1
        ("2002:c0a8:101::1", "private address"),  # 6to4 of 192.168.1.1
    ],
)
def test_internal_addresses_are_refused_by_class(address: str, reason: str) -> None:
    assert refusal(address) == reason


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:93.184.216.34", "64:ff9b::808:808"],
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(address) is None


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("2130706433", "127.0.0.1"),  # decimal
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0x7f.0.0.1", "127.0.0.1"),  # hex
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),  # short form
        ("167772161", "10.0.0.1"),
        ("012.0.0.1", "10.0.0.1"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("0", "0.0.0.0"),
    ],
)
def test_ipv4_spellings_resolve_to_the_address_they_mean(spelling: str, address: str) -> None:
    assert resolve(spelling, 80) == [address]
    assert refusal(address) is not None
    assert not is_literal(spelling) or spelling == address


def _fake_dns(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> list[str]:
    """Resolve the names in ``table`` without DNS (others as usual); returns the look-ups."""
    real = socket.getaddrinfo
    seen: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in table:
            seen.append(host)
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in table[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return seen


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/", "refused: private address"),
        ("http://192.168.0.1:8080/admin", "refused: private address"),
        ("https://172.31.255.255/", "refused: private address"),
        ("http://127.0.0.1:1/", "refused: loopback address"),
        ("http://[::1]/", "refused: loopback address"),
        ("http://[::ffff:127.0.0.1]/", "refused: loopback address"),
        ("http://[::ffff:a00:1]/", "refused: private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: link-local address"),
        ("http://[fe80::1%251]/", "refused: link-local address"),
        ("http://[fd00::1]/", "refused: private address"),
        ("http://0.0.0.0/", "refused: unspecified address"),
        ("http://[::]/", "refused: unspecified address"),
        ("http://224.0.0.251/", "refused: multicast address"),
        ("http://[ff02::1]/", "refused: multicast address"),
        ("http://240.1.2.3/", "refused: reserved address"),
        ("http://2130706433/", "refused: 2130706433 resolves to a loopback address"),
        ("http://0177.0.0.1/", "refused: 0177.0.0.1 resolves to a loopback address"),
        ("http://0x7f.1/", "refused: 0x7f.1 resolves to a loopback address"),
        ("http://0xa9fea9fe/", "refused: 0xa9fea9fe resolves to a link-local address"),
        ("http://0/", "refused: 0 resolves to an unspecified address"),
        ("http://user:pw@10.0.0.1/", "refused: private address"),
        ("HTTP://10.0.0.1/", "refused: private address"),
    ],
)
def test_guarded_fetch_refuses_literal_internal_urls(url: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        fetch(url, public_only=True)
    assert str(info.value) == f"{url}: {reason}"


def test_guarded_fetch_refuses_names_of_internal_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dns(
        monkeypatch,
        {
            "intranet.example": ["10.1.2.3"],
            "metadata.example": ["169.254.169.254"],
            "mixed.example": ["93.184.216.34", "192.168.1.5"],  # one bad address is enough
            "v6.example": ["::ffff:127.0.0.1"],
        },
    )
    cases = {
        "http://intranet.example/a": "intranet.example resolves to a private address",
        "https://metadata.example/": "metadata.example resolves to a link-local address",
        "http://mixed.example/": "mixed.example resolves to a private address",
        "http://v6.example/": "v6.example resolves to a loopback address",
    }
    for url, reason in cases.items():
        with pytest.raises(InputError) as info:
            fetch(url, public_only=True)
        assert str(info.value) == f"{url}: refused: {reason}"


def test_guarded_fetch_reports_names_that_do_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(addresses.socket, "getaddrinfo", fail)
    with pytest.raises(InputError, match=r"^http://nowhere\.example/: cannot resolve host name"):
        fetch("http://nowhere.example/", public_only=True)


@pytest.mark.parametrize("url", ["ftp://10.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/"])
def test_guarded_fetch_keeps_the_scheme_rule(url: str) -> None:
    with pytest.raises(InputError, match="only http and https are fetched"):
        fetch(url, public_only=True)
