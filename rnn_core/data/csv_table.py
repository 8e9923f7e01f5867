"""From an uploaded file's bytes to a table of text cells, refusing what is not a CSV file.

The first half of reading an upload: size limit, binary files, encodings, the
separator, a missing header, malformed rows; each ends in a DataError a student
understands. What the cells mean (numbers, times) is :mod:`rnn_core.data.csv_reader`'s
business, except :func:`to_numbers`, which also tells a header from a data row.

Examples
--------
>>> frame, sep, name, notes = read_cells(b"a;b\\n1;2,5\\n", max_bytes=1000)
>>> list(frame.columns), sep, to_numbers(frame["b"], sep).tolist()
(['a', 'b'], ';', [2.5])
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from rnn_core.errors import DataError

__all__ = ["read_cells", "to_numbers"]

MAX_COLUMNS = 200  # every column is parsed (a few ms each): 30,000 of them held a page for minutes

_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx file is one: save it as CSV first)", b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office file (save it as CSV first)",
}


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _read_bytes(source, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw, name = bytes(source), "uploaded data"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            if path.stat().st_size > max_bytes:
                raise DataError(f"The file is {_mb(path.stat().st_size)}; the limit is {_mb(max_bytes)}.")
            raw = path.read_bytes()
        except OSError:
            raise DataError(f"Cannot read a file at {str(path)[:200]!r}.") from None
        name = path.name
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        raw = source.read(max_bytes + 1)
        if hasattr(source, "seek"):
            source.seek(0)  # so that inspect_csv and then from_csv can read the same upload
        raw = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        name = Path(str(getattr(source, "name", "") or "uploaded file")).name
    else:
        raise DataError("Expected a file path, bytes or an open file.")
    if len(raw) > max_bytes:
        raise DataError(f"The file is larger than the {_mb(max_bytes)} limit.")
    if not raw.strip():
        raise DataError("The file is empty.")
    return raw, name


def read_cells(path_or_buffer, max_bytes: int) -> tuple[pd.DataFrame, str, str, list]:
    """Read a CSV file into a table of text cells (NaN where a cell is empty).

    Parameters
    ----------
    path_or_buffer : str, Path, bytes or file-like
        A file-like object (e.g. Streamlit's UploadedFile) is rewound before and after.
    max_bytes : int
        Larger files raise DataError.

    Returns
    -------
    frame : pd.DataFrame of str, with unique column names
    sep : str
        The separator found in the header line.
    filename : str
    notes : list of str
        What the user should be told (e.g. the file was not UTF-8).
    """
    raw, filename = _read_bytes(path_or_buffer, max_bytes)
    text, notes = _decode(raw)
    header = text.split("\n", 1)[0]
    if max(header.count(c) for c in ",;\t|") + 1 > MAX_COLUMNS:  # every column is parsed: bound the work first
        raise DataError(f"The file has more than {MAX_COLUMNS} columns; the app reads at most {MAX_COLUMNS}. "
                        "Keep the time column and the columns you want to study.")
    frame, sep = _read_table(text)
    return frame, sep, filename, notes


def _utf16_without_mark(raw: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: ASCII characters leave a NUL in every other byte."""
    even, odd = raw[0::2], raw[1::2]
    for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if len(zeros) and zeros.count(0) > 0.9 * len(zeros):
            try:
                return raw[: len(raw) // 2 * 2].decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _decode(raw: bytes) -> tuple[str, list]:
    for magic, what in _SIGNATURES.items():
        if raw.startswith(magic):
            raise DataError(f"This looks like {what}, not a CSV text file.")
    notes = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("This file is not readable text (broken UTF-16).") from None
    elif b"\x00" in raw:
        text = _utf16_without_mark(raw)
        if text is None:
            raise DataError("This file contains binary data (NUL bytes), not CSV text.")
        notes.append("The file is UTF-16 text without a byte-order mark; it was read as such.")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # older spreadsheet exports: Windows-1252 (Latin-1 plus curly quotes and the euro sign);
            # Latin-1 itself never fails
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            notes.append("The file is not UTF-8; it was read as Latin-1 (Windows-1252).")
    sample = text[:4096]
    control = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n") or 127 <= ord(ch) < 160)
    if control > 0.02 * len(sample):
        raise DataError("This does not look like a CSV text file (it is full of control characters).")
    return text, notes


def _unique(names) -> list:
    seen, out = set(), []
    for i, name in enumerate(names):
        name = str(name).strip() or f"column {i + 1}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        out.append(name)
    return out


def _read_table(text: str) -> tuple[pd.DataFrame, str]:
    header = next((line for line in text[:65536].splitlines() if line.strip()), "")
    sep = max([",", ";", "\t", "|"], key=header.count)  # ties (none found) go to the comma
    single = header.count(sep) == 0  # one column: a blank line is a missing value, not padding

    def read(**kw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, index_col=False, skipinitialspace=True,
                               skip_blank_lines=not single, **kw)
    try:
        frame = read()
        if all(to_numbers(pd.Series([c]), sep).notna().all() for c in frame.columns):
            frame = read(header=None)  # the first line is data, not a header
            frame.columns = ["value"] if frame.shape[1] == 1 else [f"column {i + 1}" for i in range(frame.shape[1])]
    except pd.errors.EmptyDataError:
        raise DataError("The file has no columns.") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        detail = (f"line {found[2]} has {found[3]} fields but earlier lines have {found[1]}" if found
                  else "its rows could not be split into columns")
        raise DataError(f"This CSV file is malformed: {detail}.") from None
    except (ValueError, csv.Error, OverflowError) as exc:
        raise DataError(f"This file cannot be read as CSV ({str(exc)[:120]}).") from None
    if frame.empty:
        raise DataError("The file has a header but no data rows.")
    frame.columns = _unique(frame.columns)
    return frame, sep


def to_numbers(cells: pd.Series, sep: str) -> pd.Series:
    """Read text cells as float64: NaN where a cell is empty, not a number, or infinite.

    Beyond what ``pd.to_numeric`` reads: a Unicode minus, 1 234 567 and 1,234.5 grouping, and
    3,14 in a file separated by semicolons (``sep``).
    """
    text = cells.astype(object).where(cells.notna(), None)
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    failed = text.notna() & numbers.isna()
    if failed.any():  # only the cells plain parsing missed go through the slower clean-up
        numbers[failed] = pd.to_numeric(_clean_numbers(text[failed].astype(str), sep), errors="coerce")
    return numbers.where(np.isfinite(numbers))


def _clean_numbers(text: pd.Series, sep: str) -> pd.Series:
    text = text.str.strip().str.replace("\u2212", "-", regex=False)
    text = text.str.replace(r"(?<=\d)[ \u00a0\u202f'](?=\d{3}(?:\D|$))", "", regex=True)  # 1 234 567
    if sep == ",":
        grouped = text.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", na=False)  # 1,234.5
        return text.where(~grouped, text.str.replace(",", "", regex=False))
    return text.str.replace(r"^([+-]?\d*),(\d+)$", r"\1.\2", regex=True)  # a ; file writes 3,14

