"""Attribution fixtures: one rule-based extractor per test module."""

from __future__ import annotations

import pytest

from spinscope.attribution.extract import AttributionExtractor


@pytest.fixture(scope="module")
def extractor() -> AttributionExtractor:
    return AttributionExtractor()
