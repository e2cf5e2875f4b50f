"""Does the test suite notice a broken stage? Run it once per mutation and count failures.

    python bench/mutations.py                      # plain checkout: shared data hidden
    python bench/mutations.py --shared             # with ../shared (slower)
    python bench/mutations.py techniques-random    # one mutation

Each mutation breaks one stage the way a bad model or a careless edit would (technique outputs
random or never firing, attribution tagger random, speakers left as the raw mention, every voice
"outlet", a constant calibrator, a cleaner that marks nothing, an empty near-duplicate index,
autoescape off). It is applied in the test process by this file acting as a pytest plugin
(``-p mutations`` with ``SPINSCOPE_MUTATION`` set), so the source tree is never edited. Tests that
run the pipeline in other processes (Dask workers, ``serve`` subprocesses) see the real code.

Prints one line per mutation (failed / passed / skipped / seconds) and writes
``bench/results/mutations[_shared].json``. The issue's bar: each mutation fails at least 3 tests.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ENV = "SPINSCOPE_MUTATION"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# -- the mutations (applied inside the pytest process) ------------------------------------------


class _Session:
    """Stands in for an ONNX session: seeded random outputs, or zeros."""

    def __init__(self, real: Any, kind: str) -> None:
        self.real, self.kind = real, kind

    def run(self, names: Any, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        outs = self.real.run(names, feeds)
        rng = np.random.default_rng(int(feeds["input_ids"].sum()) + feeds["input_ids"].size)
        if self.kind == "zeros":  # keep the hidden states, zero the probabilities
            return [*outs[:-1], np.zeros_like(outs[-1])]
        return [rng.random(o.shape).astype(o.dtype) for o in outs]


def _wrap_session(cls: Any, kind: str) -> None:
    real_init = cls.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        self.session = _Session(self.session, kind)

    cls.__init__ = init


def _techniques(kind: str) -> Callable[[], None]:
    def apply() -> None:
        from spinscope.techniques.model import TechniqueTagger

        _wrap_session(TechniqueTagger, kind)

    return apply


def _tagger_random() -> None:
    from spinscope.attribution.tagger import AttributionTagger

    _wrap_session(AttributionTagger, "random")


def _speakers_raw() -> None:
    """Every speaker shown as its source mention as written ("he", "the president")."""
    from dataclasses import replace

    from spinscope.attribution.extract import AttributionExtractor
    from spinscope.document import Document

    def raw(doc: Document) -> Document:
        out = []
        for s in doc.layer("attributions"):
            src = s.attrs.get("source")
            speaker = {"name": src["text"] if src else None, "role": None, "type": "person"}
            out.append(replace(s, attrs={**s.attrs, "speaker": speaker}))
        if out:
            doc.set_layer("attributions", out)
        return doc

    call, pipe = AttributionExtractor.__call__, AttributionExtractor.pipe
    AttributionExtractor.__call__ = lambda self, doc: raw(call(self, doc))  # type: ignore[method-assign]
    AttributionExtractor.pipe = lambda self, docs: [raw(d) for d in pipe(self, docs)]  # type: ignore[method-assign]


def _voice_outlet() -> None:
    import spinscope.attribution.voice as voice

    voice.voice_of = lambda *a, **k: None  # type: ignore[assignment]


def _calibrator_constant() -> None:
    from spinscope.techniques.calibrate import Calibrator

    Calibrator.__call__ = lambda self, x: np.full(len(x), 0.5)  # type: ignore[method-assign]


def _cleaner_nothing() -> None:
    import dataclasses

    import spinscope.clean as clean

    real = clean.label_lines

    def body(text: str, *a: Any, **k: Any) -> list[Any]:
        return [dataclasses.replace(ll, label="body") for ll in real(text, *a, **k)]

    clean.label_lines = body  # type: ignore[assignment]


def _duplicates_empty() -> None:
    import spinscope.store.duplicates as dup

    dup.band_keys = lambda sig: []  # type: ignore[assignment]


def _autoescape_off() -> None:
    import jinja2

    real = jinja2.Environment.__init__

    def init(self: Any, *a: Any, **k: Any) -> None:
        k["autoescape"] = False
        real(self, *a, **k)

    jinja2.Environment.__init__ = init  # type: ignore[method-assign]


MUTATIONS: dict[str, Callable[[], None]] = {
    "techniques-random": _techniques("random"),
    "techniques-never": _techniques("zeros"),
    "tagger-random": _tagger_random,
    "speakers-raw": _speakers_raw,
    "voice-outlet": _voice_outlet,
    "calibrator-constant": _calibrator_constant,
    "cleaner-nothing": _cleaner_nothing,
    "duplicates-empty": _duplicates_empty,
    "autoescape-off": _autoescape_off,
}


def pytest_configure(config: Any) -> None:
    """Plugin hook: apply the mutation named by ``$SPINSCOPE_MUTATION`` before any test runs."""
    name = os.environ.get(ENV)
    if name:
        MUTATIONS[name]()


# -- the runner ---------------------------------------------------------------------------------


def run(name: str, shared: bool) -> dict[str, Any]:
    env = {
        **os.environ,
        ENV: name,
        "PYTHONPATH": f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    env.pop("SPINSCOPE_REQUIRE_SHARED", None)
    env.pop("SPINSCOPE_REQUIRE_ALL", None)
    if not shared:
        env["SPINSCOPE_SHARED"] = str(ROOT / "no-shared-data-here")
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "pytest", "-p", "mutations", "-o", "addopts=", "-q", "-rfE"]
    cmd += ["-p", "no:cacheprovider"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (failed|passed|skipped|errors?)", tail)}
    failed = sorted(
        {m.group(1) for m in re.finditer(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, re.M)}
    )
    return {
        "mutation": name,
        "failed": counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0),
        "passed": counts.get("passed", 0),
        "skipped": counts.get("skipped", 0),
        "seconds": round(time.perf_counter() - t0),
        "failing_tests": failed,
        "summary": tail,
    }


def main(argv: list[str]) -> int:
    shared = "--shared" in argv
    names = [a for a in argv if not a.startswith("-")] or list(MUTATIONS)
    results = []
    for name in names:
        r = run(name, shared)
        results.append(r)
        print(
            f"{name:22} failed {r['failed']:3}  passed {r['passed']:4}  "
            f"skipped {r['skipped']:3}  {r['seconds']:4} s",
            flush=True,
        )
    out = HERE / "results" / f"mutations{'_shared' if shared else ''}.json"
    if len(names) == len(MUTATIONS):
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0 if all(r["failed"] >= 3 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
