"""iter_inputs: directories, several paths, stdin, JSONL — every input accounted for."""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path

import pytest

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest import is_batch_input, iter_inputs
from spinscope.ingest.warc import Skip


def _tree(root: Path) -> None:
    (root / "sub").mkdir()
    (root / "a.txt").write_text("First article.\n", encoding="utf-8")
    (root / "sub" / "b.html").write_text(
        "<html><body><article><p>" + "Second article text, long enough. " * 4 + "</p></article>"
        "</body></html>",
        encoding="utf-8",
    )
    (root / "empty.txt").write_bytes(b"")
    (root / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    os.mkfifo(root / "fifo")
    (root / "recs.jsonl").write_text(
        '{"text": "Record one."}\nnot json\n{"html": 3}\n{"text": "Record four.", "id": "r4"}\n',
        encoding="utf-8",
    )


def test_directory_accounts_for_every_file(tmp_path: Path) -> None:
    _tree(tmp_path)
    items = list(iter_inputs([tmp_path]))
    names = [n for n, _ in items]
    ok = [n for n, r in items if isinstance(r, Document)]
    bad = {n: r for n, r in items if isinstance(r, InputError)}
    assert len(items) == len(ok) + len(bad)
    assert str(tmp_path / "a.txt") in ok and str(tmp_path / "sub" / "b.html") in ok
    assert "empty" in bad[str(tmp_path / "empty.txt")].reason
    assert "PNG" in bad[str(tmp_path / "img.png")].reason
    assert "broken symbolic link" in bad[str(tmp_path / "dangling.txt")].reason
    assert "FIFO" in bad[str(tmp_path / "fifo")].reason
    recs = [n for n in names if "recs.jsonl:" in n]
    assert len(recs) == 4  # 2 documents + 2 errors, one per line
    assert f"{tmp_path / 'recs.jsonl'}:2" in bad


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Opening ``denied`` fails as for an unprivileged user, even when the tests run as root
    (CI does: root reads mode-000 files), whichever way the reader opens it."""
    real_open, real_os_open = builtins.open, os.open

    def check(path: object) -> None:
        if isinstance(path, (str, os.PathLike)) and Path(os.fsdecode(path)) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(denied))

    def fake_open(file: object, *args: object, **kwargs: object) -> object:
        check(file)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def fake_os_open(path: object, *args: object, **kwargs: object) -> int:
        check(path)
        return real_os_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)


def test_unreadable_file_is_an_error_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "secret.txt"
    f.write_text("Hidden article.\n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("A readable article.\n", encoding="utf-8")
    f.chmod(0)
    _deny(monkeypatch, f)
    try:
        items = dict(iter_inputs([tmp_path]))
    finally:
        f.chmod(0o644)
    assert isinstance(items[str(tmp_path / "ok.txt")], Document)
    result = items[str(f)]
    assert isinstance(result, InputError) and "denied" in result.reason.lower()
    assert result.input_name == str(f)


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    [(name, result)] = list(iter_inputs([tmp_path]))
    assert isinstance(result, InputError) and "no files" in result.reason


def test_stdin_and_several_paths(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("From a file.\n", encoding="utf-8")
    items = list(iter_inputs(["-", a, tmp_path / "nope.txt"], stdin=io.BytesIO(b"From stdin.\n")))
    assert [n for n, _ in items] == ["<stdin>", str(a), str(tmp_path / "nope.txt")]
    assert isinstance(items[0][1], Document) and items[0][1].text == "From stdin.\n"
    assert isinstance(items[2][1], InputError)


def test_warc_goes_through_the_hook(tmp_path: Path) -> None:
    f = tmp_path / "x.warc"
    f.write_bytes(b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n")
    items = list(iter_inputs([f]))
    # one entry per record: the warcinfo record is reported as a skip, not lost or an error
    assert items == [(f"{f}@0", Skip(reason="WARC warcinfo record"))]


def test_is_batch_input(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("x\n", encoding="utf-8")
    j = tmp_path / "r.jsonl"
    j.write_text('{"text": "x"}\n', encoding="utf-8")
    assert not is_batch_input([a]) and not is_batch_input(["-"])
    assert is_batch_input([a, a]) and is_batch_input([tmp_path]) and is_batch_input([j])
    assert not is_batch_input([tmp_path / "missing.txt"])
