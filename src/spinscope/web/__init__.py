"""Web app (FastAPI) over the store and the analyzers; templates and vendored static files.

``create_app`` is imported lazily so that report rendering (``web.render``) needs no FastAPI.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from spinscope.web.app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app"]
