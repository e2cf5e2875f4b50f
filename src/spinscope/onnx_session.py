"""The one way spinscope opens an ONNX Runtime session (both encoders: techniques, attribution)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def cpu_session(path: Path, threads: int | None = None) -> Any:
    """A CPU session with full graph optimisation and no busy-waiting between ops: spinning
    threads burn the CPU that spaCy, the other encoder and other Dask workers on the same
    laptop need."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
