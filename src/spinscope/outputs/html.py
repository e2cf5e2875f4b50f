"""Self-contained HTML report of one analysed document (``spinscope analyze --format html``).

It is the web app's article view with its CSS and JavaScript inlined and the site navigation
left out, so the file opens offline from disk. All article text and metadata is escaped by the
template (autoescape); the span data travels as JSON inside a ``<script type=application/json>``.
"""

from __future__ import annotations

from typing import Any

from spinscope.document import Document
from spinscope.web.render import render_article


def render_document(doc: Document, **view: Any) -> str:
    """The report as one HTML string (``view``: ``start_confidence``, ``analysed_confidence``
    of :func:`spinscope.web.render.render_article`)."""
    return render_article(doc, standalone=True, **view)
