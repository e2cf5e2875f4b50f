"""Test hooks for batch subprocesses, loaded by Python at start-up when this folder is on
``PYTHONPATH`` (the client and every Dask worker process inherit it). Nothing happens unless
one of these variables is set:

- ``SPINSCOPE_TEST_HOLD_AT=N`` with ``SPINSCOPE_TEST_HELD=FILE``: the N-th partition a worker
  process runs stops when it is about to commit its tables (rows streamed to temporaries, no
  table renamed in, no done marker), writes FILE and waits there forever, so that the test
  decides when the batch dies.
- ``SPINSCOPE_TEST_FAIL_AT=N``: the N-th partition a worker process runs raises.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

HOLD_AT = int(os.environ.get("SPINSCOPE_TEST_HOLD_AT", "0"))
FAIL_AT = int(os.environ.get("SPINSCOPE_TEST_FAIL_AT", "0"))

if HOLD_AT or FAIL_AT:
    import spinscope.scale.output as _output
    import spinscope.scale.worker as _worker

    _real_run = _worker.run_partition
    _real_commit = _output.TableWriter.commit
    _state = {"calls": 0, "hold": False}

    def run_partition(*args: Any, **kwargs: Any) -> Any:
        _state["calls"] += 1
        if _state["calls"] == FAIL_AT:
            raise RuntimeError(f"injected failure in partition call {FAIL_AT}")
        _state["hold"] = _state["calls"] == HOLD_AT
        return _real_run(*args, **kwargs)

    def commit(self: Any) -> None:
        if _state["hold"]:
            Path(os.environ["SPINSCOPE_TEST_HELD"]).write_text(str(os.getpid()), encoding="utf-8")
            while True:
                time.sleep(3600)
        _real_commit(self)

    # pickled by reference: the name must lead back to this function in every process
    run_partition.__module__ = _worker.__name__
    run_partition.__qualname__ = "run_partition"
    _worker.run_partition = run_partition  # type: ignore[assignment]
    _output.TableWriter.commit = commit  # type: ignore[method-assign]
