"""``spinscope serve``: run the web app with uvicorn (loopback by default)."""

from __future__ import annotations

from spinscope.store import DEFAULT_URL

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def serve(db_url: str = DEFAULT_URL, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    import uvicorn

    from spinscope.web.app import create_app

    app = create_app(db_url)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
