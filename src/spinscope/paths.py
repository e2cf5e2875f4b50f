"""Where the shared corpora are: ``$SPINSCOPE_SHARED``, else ``../shared`` beside the repository.

The corpora (PTC, PolNeAR) and the archetypal sample article live outside the repository and
are never copied into it. Tests, benchmarks and the gates find them here, so one environment
variable moves them all; no machine's absolute path is written anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "SPINSCOPE_SHARED"

#: The repository root when spinscope runs from a checkout (``src/spinscope/paths.py``).
REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """``$SPINSCOPE_SHARED`` if set, else the ``shared`` folder beside the repository root.

    From an installed wheel (not a checkout) there is no repository: set the variable.
    """
    env = os.environ.get(ENV)
    return Path(env) if env else REPO_ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path inside the shared folder, e.g. ``shared_path("data", "ptc")``."""
    return shared_dir().joinpath(*parts)


def missing_message(path: Path) -> str:
    """What to say when a shared file or folder is not there (skip reasons, CLI errors)."""
    return (
        f"needs {path} from the shared folder (../shared beside the repository, "
        f"or set {ENV}); not found"
    )
