"""Web fixtures: a light, deterministic pipeline (the cleaner plus hand-placed layers) so the
web tests do not depend on the technique and attribution models."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinscope.clean import Cleaner
from spinscope.document import Document, Span
from spinscope.paths import missing_message, shared_dir, shared_path
from spinscope.pipeline import Pipeline
from spinscope.store import Store
from spinscope.web import create_app
from stores import technique_span

#: The app answers loopback Host names only (DNS rebinding), not TestClient's "testserver".
BASE = "http://127.0.0.1:8000"

SAMPLE = shared_path("samples", "scraped-news-article.txt")
#: Used where the shared folder is absent (with a warning): an article written for these tests in
#: the sample's shape (title, by-line, quotes, residue) with every phrase :class:`HandLayers` and
#: :data:`REVEALED` place, and long enough for the near-duplicate index (a copy that drops a
#: paragraph still matches). With SPINSCOPE_REQUIRE_SHARED=1 or SPINSCOPE_REQUIRE_ALL=1 (CI), a
#: sample missing from an existing shared folder fails instead.
FALLBACK_PATH = Path(__file__).resolve().parents[1] / "data" / "web" / "stand-in-article.txt"
FALLBACK = FALLBACK_PATH.read_text(encoding="utf-8")

#: (phrase, technique, confidence) — includes nested and partially overlapping spans.
TECHNIQUES = (
    ("foreign-backed terrorists", "Name_Calling,Labeling", 0.93),
    ("wreaking havoc", "Loaded_Language", 0.81),
    ("coup factory", "Name_Calling,Labeling", 0.88),
    ("the US regime change and a coup factory", "Loaded_Language", 0.52),
    ("trillions of dollars on “murder and massacre”", "Exaggeration,Minimisation", 0.61),
    ("murder and massacre", "Loaded_Language", 0.97),
    ("how messed up this system is", "Loaded_Language", 0.35),
)
#: (content from this phrase, to the end of this phrase, cue, speaker)
QUOTES = (
    ("There are new indications", "a coup factory", "Welch said", "Daniel Patrick Welch"),
    ("how messed up this system is", "this system is", "He said", "Daniel Patrick Welch"),
    (
        "is willing to participate",
        "alongside the Syrian Army",
        "the Chinese diplomat said",
        "Qi Qianjin",
    ),
)


class HandLayers:
    """Adds technique and attribution layers at fixed phrases (first occurrence, if present)."""

    def __call__(self, doc: Document) -> Document:
        text = doc.text
        atts: list[Span] = []
        for i, (first, last, cue, speaker) in enumerate(QUOTES, 1):
            s, c = text.find(first), text.find(cue)
            e = text.find(last, s)
            if s < 0 or c < 0 or e < 0:
                continue
            atts.append(
                Span(
                    s,
                    e + len(last),
                    "direct",
                    {
                        "id": f"a{i}",
                        "cue": {"start": c, "end": c + len(cue), "text": cue},
                        "source": None,
                        "speaker": {"name": speaker, "role": None, "type": "person"},
                        "venue": None,
                    },
                )
            )
        techs: list[Span] = []
        for phrase, tech, conf in TECHNIQUES:
            s = text.find(phrase)
            if s >= 0:
                techs.append(technique_span(s, phrase, tech, conf, atts))
        doc.set_layer("attributions", atts)
        doc.set_layer("techniques", techs)
        return doc


#: a span the default view hides: only the light revealer adds it (phrase, technique, confidence)
REVEALED = ("fed up", "Loaded_Language", 0.2)


class HandReveal:
    """The light stand-in for analysing techniques again down to a lower confidence: the
    document's own spans plus :data:`REVEALED`, if ``floor`` reaches it. Records each floor."""

    def __init__(self) -> None:
        self.floors: list[float] = []

    def __call__(self, doc: Document, floor: float) -> Document:
        self.floors.append(floor)
        out = Document.from_dict(doc.to_dict())
        phrase, tech, conf = REVEALED
        s = out.text.find(phrase)
        techs = list(out.layer("techniques"))
        if s >= 0 and conf >= floor:
            voice = {"kind": "outlet", "attribution": None}
            techs.append(Span(s, s + len(phrase), tech, {"confidence": conf, "voice": voice}))
        out.set_layer("techniques", techs)
        return out


@pytest.fixture
def hand_reveal() -> HandReveal:
    return HandReveal()


@pytest.fixture(scope="session")
def hand_reveal_type() -> type[HandReveal]:
    """For fixtures of a wider scope (the browser tests' live server)."""
    return HandReveal


#: Names a Chromium goes by on PATH (Debian, Ubuntu, Google's builds), tried in this order.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> tuple[str | None, str]:
    """The Chromium the browser tests launch: the first of :data:`CHROMIUM_NAMES` on PATH, else
    the browser Playwright would launch (``playwright install chromium``) if it is there.
    Returns (path or None, where it looked)."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found, name
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        bundled = pw.chromium.executable_path
    looked = f"{', '.join(CHROMIUM_NAMES)} on PATH, Playwright's {bundled}"
    return (bundled if bundled and Path(bundled).is_file() else None), looked


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the Chromium to launch; skips saying where it looked when there is none
    (``.ci/run`` installs Debian's, and SPINSCOPE_REQUIRE_ALL=1 turns the skip into a failure)."""
    path, looked = find_chromium()
    if path is None:
        pytest.skip(
            f"needs Chromium: none found ({looked}); "
            "install it (apt install chromium, or playwright install chromium)"
        )
    return path


#: Chromium's switches in the browser tests; a test module may name its own ``CHROMIUM_ARGS``.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest, chromium: str) -> Iterator[Any]:
    """Chromium driven by Playwright, one per test module, launched with the module's
    ``CHROMIUM_ARGS`` if it has them, else :data:`CHROMIUM_ARGS`."""
    from playwright.sync_api import sync_playwright

    args = getattr(request.module, "CHROMIUM_ARGS", CHROMIUM_ARGS)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=args)
        yield b
        b.close()


@contextlib.contextmanager
def _live(app: Any) -> Iterator[Any]:
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    srv.base = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    srv.port = port  # type: ignore[attr-defined]
    try:
        yield srv
    finally:
        srv.should_exit = True
        th.join(10)


@pytest.fixture(scope="session")
def live_server() -> Callable[[Any], contextlib.AbstractContextManager[Any]]:
    """``with live_server(app) as srv:`` uvicorn serving ``app`` on a free loopback port, started
    (``srv.base``: its URL; ``srv.port``), stopped afterwards (the browser and real-server tests)."""
    return _live


@pytest.fixture(scope="session")
def light_pipeline() -> Pipeline:
    return Pipeline([("clean", Cleaner()), ("hand", HandLayers())])


@pytest.fixture(scope="session")
def sample_text() -> str:
    if SAMPLE.exists():
        return SAMPLE.read_text(encoding="utf-8")
    required = ("SPINSCOPE_REQUIRE_SHARED", "SPINSCOPE_REQUIRE_ALL")  # see tests/conftest.py
    if any(os.environ.get(v, "") not in ("", "0") for v in required) and shared_dir().is_dir():
        pytest.fail(missing_message(SAMPLE))
    warnings.warn(f"{missing_message(SAMPLE)}: web tests use a stand-in text", stacklevel=1)
    return FALLBACK


@pytest.fixture
def analysed_sample(light_pipeline: Pipeline, sample_text: str) -> Iterator[Document]:
    yield light_pipeline(Document(text=sample_text))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path}/web.db")
    yield s
    s.close()


@pytest.fixture
def client(store: Store, light_pipeline: Pipeline, hand_reveal: HandReveal) -> TestClient:
    """The app over a fresh SQLite store and the light pipeline, as a loopback client."""
    app = create_app(
        store=store, pipeline=light_pipeline, max_request_bytes=200_000, revealer=hand_reveal
    )
    return TestClient(app, raise_server_exceptions=False, base_url=BASE)
