"""Read CSV exports into a grid of text cells.

Encoding (``auto``): a BOM decides (UTF-8, UTF-16 — Excel's "Unicode text" — UTF-32);
else UTF-16 without a BOM is recognised by its NUL bytes, valid UTF-8 is UTF-8, and a
single-byte file is read as whichever of cp1251, koi8-r, mac-cyrillic and cp866 gives
the most Russian-looking text (letter frequencies, no mid-word case flips, no junk
symbols) — charset-normalizer confuses them on short files — unless its "Cyrillic"
letters sit inside Latin words ("Mьller"): then charset-normalizer chooses among the
other code pages.

Delimiter (``auto``): among ``;``, tab, ``,`` and ``|``, the one that splits the first
records into the same number (>1) of fields most consistently; ties go in that order.
That number is the file's width ``W``.

Rows that cannot be trusted become ``RejectedRow`` entries (quarantine), never errors:

* a record with more than ``W`` fields (after dropping empty trailing ones): a stray
  delimiter would shift its values into the wrong columns;
* a quote that is never closed, or closed only lines later: the record runs over line
  ends and either does not come out at ``W`` fields, or its first line is a whole record
  by itself (``W`` fields with the quote taken literally) and a later line of it is one
  too — the quote would swallow records. Its first line is rejected and reading resumes
  on the next line, so the swallowed lines load as the records they are. A quoted field
  with line breaks inside a proper record (a note over several lines) is a normal record:
  its first line is not a whole record, or its other lines are not;
* a quote still open at the end of the file (on the last line);
* a record cut in two by an unquoted line break: two consecutive short lines whose
  field counts add up to ``W + 1``; both lines go into one reject.

Other short rows are kept (trailing empty fields are often left out by exporters) and
padded later. NUL characters are kept in the cell text (the parser copes with them);
``notes`` counts them, as later stages or a database may not.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import math
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from charset_normalizer import from_bytes

from connectors.errors import SourceError, reading
from connectors.excel import read_source_bytes
from vocabulary.grid import Grid, RejectedRow
from vocabulary.messages import text as message

DELIMITERS = (";", "\t", ",", "|")  # sniffing order; earlier wins a tie
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CYRILLIC_CODECS = ("cp1251", "koi8_r", "mac_cyrillic", "cp866")
SAMPLE_BYTES = 65_536
SNIFF_RECORDS = 50
# Russian letter frequencies (%), for telling single-byte Cyrillic encodings apart.
_FREQ = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (
            10.97,
            8.45,
            8.01,
            7.35,
            6.70,
            6.26,
            5.47,
            4.73,
            4.54,
            4.40,
            3.49,
            3.21,
            2.98,
            2.81,
            2.62,
            2.01,
            1.90,
            1.74,
            1.70,
            1.65,
            1.59,
            1.44,
            1.21,
            0.97,
            0.94,
            0.73,
            0.64,
            0.48,
            0.36,
            0.32,
            0.26,
            0.04,
            0.04,
        ),
    )
)
_LETTER_SCORE = {ch: math.log(f / 100) for ch, f in _FREQ.items()}
_TYPOGRAPHY = frozenset("№«»—–…“”„‘’•·°±€‰\u00a0")
_CYRILLIC_WORD = re.compile(r"\w*[а-яёА-ЯЁ]\w*")
_LATIN = re.compile("[A-Za-z]")
_ODD_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines splits on them, csv does not


def read_csv(path: Path, encoding: str = "auto", delimiter: str = "auto") -> Grid:
    """``path`` as one ``Grid`` named after the file; encoding/delimiter detected on ``auto``.

    Raises ``SourceError`` for an empty or unreadable file, an unknown encoding name or
    a file that is not valid in the encoding the config names; whatever else goes wrong
    reading it becomes a ``SourceError`` naming the file too (:func:`connectors.errors.reading`).
    """
    with reading(path):
        data = read_source_bytes(path)
        text, notes = _decode(path, data, encoding)
        del data
        sep = _delimiter(path, text, delimiter, notes)
        if nul := text.count("\x00"):
            notes.append(message("sources.csv.nul", n=nul))
        lines, width = _lines(text), _width(text, sep)
        del text  # the lines hold the same characters: keep one copy during the parse
        cells, numbers, rejects = parse_lines(lines, sep, width)
    return Grid(path.name, cells, numbers, notes, rejects)


def _decode(path: Path, data: bytes, encoding: str) -> tuple[str, list[str]]:
    if encoding.lower() != "auto":
        try:
            codec = codecs.lookup(encoding)
        except LookupError:
            raise SourceError(message("sources.csv.unknown_encoding", file=path.name, encoding=encoding)) from None
        if not getattr(codec, "_is_text_encoding", True):  # base64, rot13, zlib: codecs, not text encodings
            raise SourceError(message("sources.csv.not_text_encoding", file=path.name, encoding=encoding))
        try:
            return (
                data.decode(codec.name).removeprefix("\ufeff"),
                [message("sources.csv.encoding_configured", encoding=encoding)],
            )
        except UnicodeDecodeError as exc:
            raise SourceError(
                message(
                    "sources.csv.not_valid_encoding",
                    file=path.name,
                    encoding=encoding,
                    byte=f"{data[exc.start]:02x}",
                    offset=exc.start,
                )
            ) from None
    codec = detect_encoding(data)
    try:
        text = data.decode(codec)
        notes = [message("sources.csv.encoding_detected", encoding=codec)]
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        notes = [message("sources.csv.encoding_replaced", encoding=codec, n=text.count(chr(0xFFFD)))]
    return text.removeprefix("\ufeff"), notes


def detect_encoding(data: bytes) -> str:
    """The codec name that reads ``data`` (see the module docstring for the order of the tests)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    head = data[:4096]
    if len(head) >= 8:
        even, odd = head[0::2].count(0) / (len(head) / 2), head[1::2].count(0) / (len(head) / 2)
        if max(even, odd) > 0.3 and min(even, odd) < 0.05:
            return "utf-16-le" if odd > even else "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"  # a truncated last character: still UTF-8
    sample = data[:SAMPLE_BYTES]
    best = max(_CYRILLIC_CODECS, key=lambda c: _russian_score(sample.decode(c, errors="replace")))
    if _cyrillic_words(sample.decode(best, errors="replace")):
        return best
    guess = from_bytes(sample, cp_exclusion=list(_CYRILLIC_CODECS)).best()
    return guess.encoding if guess is not None else best


def _cyrillic_words(text: str) -> bool:
    """Whether the words with Cyrillic letters are Cyrillic words, not Latin ones with mojibake ("Mьller")."""
    words = _CYRILLIC_WORD.findall(text)
    return bool(words) and sum(1 for w in words if not _LATIN.search(w)) / len(words) > 0.8


def _russian_score(text: str) -> float:
    """How much ``text``'s non-ASCII characters look like Russian: higher is more plausible."""
    score, previous = 0.0, ""
    for ch in text:
        if ord(ch) < 128:
            previous = ch
            continue
        lower = ch.lower()
        if lower in _LETTER_SCORE:
            score += _LETTER_SCORE[lower]
            if ch != lower and previous.lower() in _LETTER_SCORE and previous == previous.lower():
                score -= 3  # "пРИВЕТ": a case flip inside a word, typical of the wrong code page
        else:
            score -= 4 if ch in _TYPOGRAPHY else 12
        previous = ch
    return score


def _delimiter(path: Path, text: str, delimiter: str, notes: list[str]) -> str:
    if delimiter != "auto":
        sep = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
        if len(sep) != 1:
            raise SourceError(message("sources.csv.bad_delimiter", file=path.name, delimiter=delimiter))
        return sep
    sep = sniff_delimiter(text)
    notes.append(message("sources.csv.delimiter_detected", delimiter=sep))
    return sep


def sniff_delimiter(text: str) -> str:
    """The delimiter that gives the first records one consistent field count (>1)."""
    head = text[:SAMPLE_BYTES]
    if len(text) > SAMPLE_BYTES and "\n" in head:
        head = head[: head.rindex("\n") + 1]

    def consistency(sep: str) -> tuple[float, int]:
        counts = _field_counts(head, sep)
        width, n = counts.most_common(1)[0] if counts else (1, 0)
        return (round(n / sum(counts.values()), 1) if width > 1 else 0.0), -DELIMITERS.index(sep)

    return max(DELIMITERS, key=consistency)


def _field_counts(text: str, sep: str) -> Counter[int]:
    """How many of the first non-blank records of ``text`` have how many fields."""
    counts: Counter[int] = Counter()
    try:
        for record in csv.reader(io.StringIO(text[:SAMPLE_BYTES], newline=""), delimiter=sep):
            if any(record):
                counts[len(record)] += 1
                if counts.total() >= SNIFF_RECORDS:
                    break
    except csv.Error:
        pass  # a sample cut inside a huge quoted field: the records before it are enough
    return counts


def _lines(text: str) -> list[str]:
    if not any(ch in text for ch in _ODD_LINE_BREAKS):
        return text.splitlines(keepends=True)
    return io.StringIO(text, newline="").readlines()


def parse_lines(lines: list[str], sep: str, width: int) -> tuple[list[list[str | None]], list[int], list[RejectedRow]]:
    """Cells (stripped, empty → None), the line number each record starts on, and rejects.

    ``lines`` keep their line ends; ``width`` is the file's usual number of fields.
    """
    with _gc_paused():
        records, spans, rejects = _tokenise(lines, sep, width)
        dropped = _check_widths(records, spans, lines, sep, width, rejects)
        if dropped:
            kept = [i for i in range(len(records)) if i not in dropped]
            records, spans = [records[i] for i in kept], [spans[i] for i in kept]
        cells = [[c.strip() or None for c in record] for record in records]
    rejects.sort(key=lambda r: r.row)
    return cells, [first + 1 for first, _ in spans], rejects


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Parsing allocates a list per record; the cyclic GC would walk them all over and over (2× slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _width(text: str, sep: str) -> int:
    counts = _field_counts(text, sep)
    return counts.most_common(1)[0][0] if counts else 1


def _raw(lines: list[str], span: tuple[int, int]) -> str:
    return "".join(lines[span[0] : span[1]]).rstrip("\r\n")


def _tokenise(
    lines: list[str], sep: str, width: int
) -> tuple[list[list[str]], list[tuple[int, int]], list[RejectedRow]]:
    """Records, the (first, end) line indexes of each, and rejects for quotes never closed."""
    records: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    rejects: list[RejectedRow] = []
    start = 0
    while start < len(lines):
        broken = _tokenise_from(lines, start, sep, width, records, spans)
        if broken is None and records and _open_quote_at_end(lines, spans[-1], sep):
            del records[-1]
            broken = spans.pop()[0], message("bad_input.csv_quote_unclosed")  # read on after the record's first line
        if broken is None:
            break
        line, reason = broken
        raw = lines[line].rstrip("\r\n")
        rejects.append(RejectedRow(line + 1, reason, raw, _literal_fields(raw, sep)))
        start = line + 1
    return records, spans, rejects


def _tokenise_from(
    lines: list[str], start: int, sep: str, width: int, records: list[list[str]], spans: list[tuple[int, int]]
) -> tuple[int, str] | None:
    """Records of ``lines[start:]``; None at the end, or the index of a line whose quote is broken and why.

    A record over several lines is a quoted field with line breaks only if it comes out at
    ``width`` fields and does not swallow records (see :func:`_swallowed`); otherwise a
    quote ran on over the line ends (or past the field size limit), and the records from
    there on are dropped to be read again after that line.
    """
    reader = csv.reader(islice(lines, start, None), delimiter=sep)
    base = len(records)
    ends: list[int] = []
    add_record, add_end = records.append, ends.append
    failed: str | None = None
    try:
        for record in reader:
            add_record(record)
            add_end(reader.line_num)
    except csv.Error as exc:
        failed = (
            message("bad_input.csv_field_too_long", limit=csv.field_size_limit())
            if "field limit" in str(exc)
            else message("bad_input.csv_quote_unclosed")
        )
    firsts = [0, *ends[:-1]]
    spans.extend(zip(map(start.__add__, firsts), map(start.__add__, ends)))
    for i in (i for i, (first, end) in enumerate(zip(firsts, ends)) if end - first > 1):
        swallowed = _swallowed(lines, start + firsts[i], start + ends[i], sep, width)
        if swallowed or len(_trimmed(records[base + i], width)) != width:
            del records[base + i :], spans[base + i :]
            return start + firsts[i], swallowed or message("bad_input.csv_quote_unclosed")
    return (start + (ends[-1] if ends else 0), failed) if failed else None


def _literal_fields(line: str, sep: str) -> tuple[str | None, ...]:
    """The fields of one line with every quote taken as a character (quotes then trimmed off the values)."""
    try:
        fields = next(csv.reader([line], delimiter=sep, quoting=csv.QUOTE_NONE), [])
    except csv.Error:  # a field past the size limit: the plain split reads the same with no quoting
        fields = line.rstrip("\r\n").split(sep)
    return tuple(f.strip().strip('"').strip() or None for f in fields)


def _full(fields: tuple[str | None, ...], width: int) -> int:
    """The field count of a line read alone, without empty fields beyond ``width``."""
    n = len(fields)
    while n > width and fields[n - 1] is None:
        n -= 1
    return n


def _swallowed(lines: list[str], first: int, end: int, sep: str, width: int) -> str | None:
    """Why the quoted field of ``lines[first:end]`` is broken, when it swallows records (None: it does not).

    A line that is a whole record by itself (``width`` fields with its quote taken
    literally) followed by lines that are whole records too is a stray quote, not a
    note with line breaks: in a proper multi-line record the first line stops inside
    the field (fewer fields), or the other lines are fragments of text.
    """
    if _full(_literal_fields(lines[first].rstrip("\r\n"), sep), width) < width:
        return None
    whole = sum(
        1 for line in lines[first + 1 : end] if _full(_literal_fields(line.rstrip("\r\n"), sep), width) == width
    )
    if not whole:
        return None
    if _open_quote_at_end(lines, (first, end), sep):
        return message("bad_input.csv_quote_swallows_unclosed", records=whole)
    return message("bad_input.csv_quote_swallows", closed=end, records=whole)


def _open_quote_at_end(lines: list[str], span: tuple[int, int], sep: str) -> bool:
    """Whether the record of ``span`` (the file's last) ends inside a quoted field: its quote never closes."""
    if span[1] != len(lines):
        return False
    quoted, at_start = False, True
    text = "".join(lines[span[0] : span[1]])
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"':
                if text[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif ch == '"' and at_start:
            quoted = True
        at_start = not quoted and ch in (sep, "\n", "\r")
        i += 1
    return quoted


def _trimmed(record: list[str], width: int) -> list[str]:
    """``record`` without the empty fields beyond ``width`` (a trailing delimiter is harmless)."""
    while len(record) > width and not record[-1].strip():
        record.pop()
    return record


def _cells(record: list[str]) -> tuple[str | None, ...]:
    return tuple(c.strip() or None for c in record)


def _check_widths(
    records: list[list[str]],
    spans: list[tuple[int, int]],
    lines: list[str],
    sep: str,
    width: int,
    rejects: list[RejectedRow],
) -> set[int]:
    """Indexes of records to reject for their field count (too many, or one record cut in two)."""
    dropped: set[int] = set()
    short = -2  # index of the last short one-line record
    for i in [i for i, n in enumerate(map(len, records)) if n != width]:
        n = len(_trimmed(records[i], width))
        if n > width:
            dropped.add(i)
            rejects.append(
                RejectedRow(
                    spans[i][0] + 1,
                    message("bad_input.csv_too_many_fields", n=n, width=width, sep=sep),
                    _raw(lines, spans[i]),
                    _cells(records[i]),
                )
            )
        elif (
            0 < n < width and short == i - 1 and spans[short][1] == spans[i][0] and len(records[short]) + n - 1 == width
        ):
            dropped |= {short, i}
            first = spans[short][0] + 1
            rejects.append(
                RejectedRow(
                    first,
                    message("bad_input.csv_cut_in_two", first=first, second=first + 1),
                    _raw(lines, (spans[short][0], spans[i][1])),
                    _cells(records[short]),
                )
            )
            short = -2
        elif 0 < n < width and spans[i][1] - spans[i][0] == 1:
            short = i
    return dropped
