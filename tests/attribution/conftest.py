"""Attribution fixtures: one rule-based extractor per test module."""

from __future__ import annotations

import pytest

from spinscope.attribution.extract import AttributionExtractor


@pytest.fixture(scope="module")
def extractor() -> AttributionExtractor:
    return AttributionExtractor()


@pytest.fixture(scope="module")
def shown_all() -> AttributionExtractor:
    """Names shown without abstention (``speaker_scorer=None``): the resolution itself is
    tested, not the decision model's threshold."""
    return AttributionExtractor(speaker_scorer=None)
