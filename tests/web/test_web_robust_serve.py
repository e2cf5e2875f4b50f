"""Issue 23: ``spinscope serve`` says in one line of its own when it cannot listen: a host name
that does not resolve (``evil.localhost``), a ``*.localhost`` name the resolver maps elsewhere,
a port already in use — before uvicorn starts, never with uvicorn's own error."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spinscope.cli import app as cli_app
from spinscope.errors import InputError
from spinscope.web import serve as serve_mod
from spinscope.web.serve import allowed_hosts, is_loopback

runner = CliRunner()


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.chdir(tmp_path)
    return calls


def _resolver(table: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def fake(host: Any, *args: Any, **kw: Any) -> Any:
        if isinstance(host, str) and host.endswith(".localhost"):
            if host not in table:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return real(table[host], *args, **kw)
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_unresolvable_localhost_name_is_one_line(
    monkeypatch: pytest.MonkeyPatch, uvicorn_calls: list[dict[str, Any]]
) -> None:
    _resolver({}, monkeypatch)
    with pytest.raises(InputError, match="cannot resolve"):
        allowed_hosts("evil.localhost", allow_remote=False)
    r = runner.invoke(cli_app, ["serve", "--host", "evil.localhost"])
    assert r.exit_code == 2, r.output
    assert r.output.startswith("spinscope: error: --host evil.localhost: cannot resolve")
    assert len(r.output.strip().splitlines()) == 1
    assert uvicorn_calls == []


def test_localhost_name_mapped_elsewhere_is_not_loopback(
    monkeypatch: pytest.MonkeyPatch, uvicorn_calls: list[dict[str, Any]]
) -> None:
    _resolver({"app.localhost": "127.0.0.1", "evil.localhost": "8.8.8.8"}, monkeypatch)
    assert is_loopback("app.localhost")
    assert not is_loopback("evil.localhost")
    r = runner.invoke(cli_app, ["serve", "--host", "evil.localhost"])
    assert r.exit_code == 2 and "not a loopback address" in r.output
    assert uvicorn_calls == []


def test_port_in_use_is_one_line(uvicorn_calls: list[dict[str, Any]]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = runner.invoke(cli_app, ["serve", "--port", str(port)])
    assert r.exit_code == 2, r.output
    assert r.output.startswith(f"spinscope: error: --host 127.0.0.1 --port {port}: cannot listen")
    assert "in use" in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert uvicorn_calls == []


def test_free_port_starts_the_server(uvicorn_calls: list[dict[str, Any]]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = runner.invoke(cli_app, ["serve", "--port", str(port)])
    assert r.exit_code == 0, r.output
    assert uvicorn_calls[0]["port"] == port
    with pytest.raises(InputError, match="cannot listen"):
        serve_mod.check_port("192.0.2.1", port)  # TEST-NET: not an address of this machine
