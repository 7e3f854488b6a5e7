"""The batch ledger: every document Batchsheet exported, so a second export is caught.

Importing the same document twice posts it twice, and nothing in an accounting system's
import stops that. Each successful export records a fingerprint of every document (its
identity and amounts) with the time and the file; Validate warns when a document of the
batch was already exported in an earlier batch.

A small SQLite file: it survives restarts, and SQLite's transactions keep two exports at once
from corrupting it. Reading it never creates it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .engine.findings import Finding
from .files import shown
from .ledger_place import default_path
from .refusals import Refusal
from .wording import counted, plural

if TYPE_CHECKING:
    from .engine.batch import Batch
    from .engine.totals import DocumentTotal

ALREADY_EXPORTED = "already-exported"
# Why the ledger check did not run on a ledger with nothing in it yet (the usual first batch).
NOTHING_EXPORTED = "no batch exported yet"
# The schema is made, or brought up to date, only when the ledger is written: reading never
# alters the file. The index on (fingerprint, batch) finds a fingerprint's first batch
# without reading its other records; a ledger written before it had one on the fingerprint
# alone, which the first write replaces (and which reads of such a file still use).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exported_at TEXT NOT NULL,
    format TEXT NOT NULL,
    file TEXT NOT NULL,
    documents INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    batch INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    row INTEGER NOT NULL,
    label TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_fingerprint_batch ON documents(fingerprint, batch);
DROP INDEX IF EXISTS documents_by_fingerprint;
"""
# SQLite allows this many bound values in one statement on every version we meet.
_CHUNK = 500


class LedgerError(Refusal):
    """The ledger file cannot be read or written; the message names it."""


@dataclass(frozen=True)
class LedgerBatch:
    id: int
    exported_at: str
    format: str
    file: str
    documents: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "exported_at": self.exported_at,
            "format": self.format,
            "file": self.file,
            "documents": self.documents,
        }


def batch_noun(format_name: str) -> str:
    """What a batch of `format_name` holds, as the ledger counts it (a format no longer
    known: documents)."""
    from .specs import known_spec

    spec = known_spec(format_name)
    return spec.noun if spec is not None else "document"


def exported_batch(batch: LedgerBatch) -> str:
    """A batch of the ledger in words: what it held, when and where it was exported."""
    when = batch.exported_at.replace("T", " ")
    held = counted(batch.documents, batch_noun(batch.format))
    return f"{held} exported on {when} to {Path(batch.file).name}"


class Ledger:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    def forgetting(self, batch_id: int) -> str:
        """How the bookkeeper takes batch `batch_id` out of this ledger, as the warning of a
        document exported before says it."""
        return f"remove it from the ledger with `batchsheet ledger forget {batch_id}`"

    @contextmanager
    def _connect(self, *, create: bool) -> Iterator[sqlite3.Connection]:
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise LedgerError(f"{self.shown}: cannot create the ledger's folder: {e}") from None
        mode = "rwc" if create else "rw"
        try:
            connection = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode={mode}",
                uri=True,
                timeout=30,
                isolation_level=None,
            )
        except sqlite3.Error as e:
            raise LedgerError(f"{self.shown}: cannot open the batch ledger: {e}") from None
        try:
            with closing(connection):
                connection.execute("PRAGMA foreign_keys = ON")
                if create:
                    connection.executescript(_SCHEMA)
                yield connection
        except sqlite3.Error as e:
            raise LedgerError(f"{self.shown}: the batch ledger cannot be used: {e}") from None

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def shown(self) -> str:
        """The ledger as its messages name it: its file."""
        return str(self.path)

    def record(self, format_name: str, file: Path, documents: Iterable[DocumentTotal]) -> int:
        """Remember an exported batch; returns its id."""
        documents = list(documents)
        now = dt.datetime.now().isoformat(timespec="seconds")
        with self._connect(create=True) as db:
            # IMMEDIATE: the write lock is taken at once, so a concurrent export waits for it.
            db.execute("BEGIN IMMEDIATE")
            try:
                cursor = db.execute(
                    "INSERT INTO batches (exported_at, format, file, documents) "
                    "VALUES (?, ?, ?, ?)",
                    (now, format_name, shown(Path(file).resolve()), len(documents)),
                )
                batch_id = int(cursor.lastrowid or 0)
                db.executemany(
                    "INSERT INTO documents (batch, fingerprint, row, label) VALUES (?, ?, ?, ?)",
                    [(batch_id, d.fingerprint, d.row, d.label) for d in documents],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return batch_id

    def earlier(self, fingerprints: Iterable[str]) -> dict[str, LedgerBatch]:
        """For each fingerprint exported before, the first batch that held it.

        Only the first is asked for: a document exported a hundred times costs one look-up
        in the index, not a hundred records read."""
        if not self.exists:
            return {}
        wanted = list(dict.fromkeys(fingerprints))
        first: dict[str, int] = {}
        with self._connect(create=False) as db:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                values = ",".join(["(?)"] * len(chunk))
                rows = db.execute(
                    f"WITH wanted(fingerprint) AS (VALUES {values}) "
                    "SELECT w.fingerprint, (SELECT MIN(d.batch) FROM documents d "
                    "WHERE d.fingerprint = w.fingerprint) FROM wanted w",
                    chunk,
                ).fetchall()
                first.update((fp, batch) for fp, batch in rows if batch is not None)
            ids = sorted(set(first.values()))
            batches: dict[int, LedgerBatch] = {}
            for start in range(0, len(ids), _CHUNK):
                chunk_ids = ids[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk_ids))
                for row in db.execute(
                    "SELECT id, exported_at, format, file, documents FROM batches "
                    f"WHERE id IN ({marks})",
                    chunk_ids,
                ):
                    batches[row[0]] = LedgerBatch(*row)
        # A batch row goes with its documents (forget deletes both in one transaction).
        return {fp: batches[batch] for fp, batch in first.items() if batch in batches}

    def batches(self) -> list[LedgerBatch]:
        if not self.exists:
            return []
        with self._connect(create=False) as db:
            rows = db.execute(
                "SELECT id, exported_at, format, file, documents FROM batches ORDER BY id"
            ).fetchall()
        return [LedgerBatch(*r) for r in rows]

    def forget(self, which: str) -> list[LedgerBatch]:
        """Forget the batch with id `which`, or every batch exported to the file `which`."""
        if not self.exists:
            return []
        with self._connect(create=True) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if which.isdigit():
                    where, value = "id = ?", which
                else:
                    where, value = "file = ?", shown(Path(which).resolve())
                rows = db.execute(
                    f"SELECT id, exported_at, format, file, documents FROM batches WHERE {where}",
                    (value,),
                ).fetchall()
                gone = [LedgerBatch(*r) for r in rows]
                for b in gone:
                    db.execute("DELETE FROM documents WHERE batch = ?", (b.id,))
                    db.execute("DELETE FROM batches WHERE id = ?", (b.id,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return gone


def check_batch(batch: Batch, ledger: Ledger, documents: Sequence[DocumentTotal]) -> None:
    """Warn on every document of `batch` that an earlier export already holds."""
    report = batch.report
    if not documents:
        return
    noun = batch.spec.noun
    # "Adjustments against the batch ledger": what the ledger holds is what the batch holds.
    check_name = f"{plural(noun).capitalize()} against the batch ledger"
    if not ledger.exists:
        report.check(check_name, False, f"{NOTHING_EXPORTED} ({ledger.shown})", needs="ledger")
        return
    prints = [d.fingerprint for d in documents]
    try:
        earlier = ledger.earlier(prints)
    except LedgerError as e:
        report.check(check_name, False, str(e), needs="ledger")
        return
    report.check(check_name, True, ledger.shown, needs="ledger")
    # What each earlier batch is called, worked out once: a batch exported again names
    # the same earlier batch on every one of its documents.
    said: dict[int, str] = {}
    for d, print_ in zip(documents, prints):
        before = earlier.get(print_)
        if before is None:
            continue
        where = said.get(before.id)
        if where is None:
            when = before.exported_at.replace("T", " ")
            where = said[before.id] = (
                f"was already exported on {when} to {Path(before.file).name} (ledger batch "
                f"{before.id}): importing it again posts it twice. If that file was never "
                f"imported, {ledger.forgetting(before.id)}."
            )
        report.findings.append(
            Finding(
                severity="warning",
                row=d.row,
                column=d.column,
                field=noun.capitalize(),
                code=ALREADY_EXPORTED,
                message=f"This {noun} ({d.label}) {where}",
                value=d.label,
            )
        )
    report.sort()
