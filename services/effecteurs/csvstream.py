"""CSV records from a stream of bytes, one record at a time, with line numbers.

The standard csv module parses each record; this class only finds where a
record ends while bytes arrive in arbitrary chunks: at a line end outside
quotes (an even count of '"' so far, which holds for RFC 4180 quoting since
a quote inside a field is doubled). Lines are decoded one by one, so a line
that is not UTF-8 is reported with its number instead of failing the file.
Memory holds one record at most (bounded by MAX_RECORD_BYTES).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_RECORD_BYTES = 64 * 1024
_DELIMITERS = (",", ";", "\t")  # French spreadsheets often export with ";"


@dataclass(frozen=True)
class Record:
    line: int  # number of the record's first line in the file (1-based)
    fields: list[str]
    error: str = ""  # French; set when the record could not be read
    fatal: bool = False  # reading cannot go on after it


class CsvRecords:
    """feed(bytes) -> complete records; close() -> the last one."""

    def __init__(self) -> None:
        self._buffer = b""
        self._record: list[bytes] = []  # physical lines of the record being read
        self._size = 0  # their bytes
        self._quotes = 0
        self._line = 0  # physical lines consumed
        self._start = 1
        self._delimiter: str | None = None
        self._broken = False

    def feed(self, data: bytes) -> Iterator[Record]:
        if self._broken:
            return
        buffer, position = self._buffer + data, 0
        while not self._broken:
            end = buffer.find(b"\n", position)
            if end < 0:
                break
            record = self._take(buffer[position:end])
            position = end + 1
            if record is not None:
                yield record
        self._buffer = buffer[position:]
        if not self._broken and len(self._buffer) + (self._size if self._record else 0) > MAX_RECORD_BYTES:
            yield self._too_long()

    def close(self) -> Iterator[Record]:
        if self._broken:
            return
        if self._buffer:
            line, self._buffer = self._buffer, b""
            record = self._take(line)
            if record is not None:
                yield record
        if self._record and not self._broken:
            self._broken = True
            yield Record(
                self._start,
                [],
                f"Ligne {self._start} : un guillemet ouvert n'est jamais refermé ; la lecture s'arrête là.",
                fatal=True,
            )

    def _too_long(self) -> Record:
        self._broken = True
        return Record(
            self._start if self._record else self._line + 1,
            [],
            f"Ligne {self._start if self._record else self._line + 1} : enregistrement de plus de "
            f"{MAX_RECORD_BYTES // 1024} Kio (guillemet non refermé ?) ; la lecture s'arrête là.",
            fatal=True,
        )

    def _take(self, line: bytes) -> Record | None:
        """One physical line in; the record it completes, if any, out."""
        self._line += 1
        if self._record:
            self._record.append(line.removesuffix(b"\r"))
            self._size += len(line)
        else:
            self._start, self._record, self._size = self._line, [line.removesuffix(b"\r")], len(line)
        self._quotes += line.count(b'"')
        if self._size > MAX_RECORD_BYTES:
            return self._too_long()
        if self._quotes % 2:
            return None  # a quoted field goes on over the next line
        raw = self._record[0] if len(self._record) == 1 else b"\n".join(self._record)
        self._record, self._quotes = [], 0
        if self._start == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")  # byte order mark
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return Record(self._start, [], f"Ligne {self._start} : le texte n'est pas en UTF-8.")
        if not text or text.isspace():
            return None  # blank line
        if self._delimiter is None:
            self._delimiter = max(_DELIMITERS, key=lambda d: len(_parse(text, d)))
        try:
            return Record(self._start, _parse(text, self._delimiter))
        except csv.Error as exc:
            return Record(self._start, [], f"Ligne {self._start} : ligne CSV illisible ({exc}).")


def _parse(text: str, delimiter: str) -> list[str]:
    return next(csv.reader([text], delimiter=delimiter), [])


def records_from(chunks: Iterable[bytes]) -> Iterator[Record]:
    """Every record of a file given as chunks of bytes."""
    reader = CsvRecords()
    for chunk in chunks:
        yield from reader.feed(chunk)
    yield from reader.close()


def file_chunks(path: str, size: int = 64 * 1024) -> Iterator[bytes]:
    """A file read incrementally, never whole."""
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk
