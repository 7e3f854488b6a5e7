"""Where the batch ledger is kept: $BATCHSHEET_LEDGER, else .batchsheet/ledger.sqlite3 in the
home folder.

Apart from `ledger.py` so that `batchsheet --help`, which names the setting, answers without
loading SQLite and the findings the ledger adds.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "BATCHSHEET_LEDGER"


def default_path() -> Path:
    """The ledger in use: $BATCHSHEET_LEDGER, else .batchsheet/ledger.sqlite3 in the home."""
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".batchsheet" / "ledger.sqlite3"
