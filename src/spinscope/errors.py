"""User-facing errors: one line, naming the input and the problem, never a traceback."""

from __future__ import annotations


class InputError(Exception):
    """An input that cannot be analysed (missing, empty, binary, too large, no article...)."""

    def __init__(self, input_name: str, reason: str) -> None:
        super().__init__(f"{input_name}: {reason}")
        self.input_name = input_name
        self.reason = reason


#: How to get what ``spinscope batch`` and Parquet files need beyond the core install.
BATCH_INSTALL = 'pip install "spinscope[batch]" (from a clone: pip install -e ".[batch]")'
