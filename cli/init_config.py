"""`crm-migrate init DIR`: a commented migration.yaml from a folder of client files.

Each file is read with the same readers and detection a run uses (``connectors.excel``,
``connectors.csv_file``, the 1C exchange reader of ``pipelines.intake``, ``transforms.tables.find_table``,
``transforms.column_mapping.map_columns``), so what ``init`` writes is what the run will
see: one source per workbook sheet with a table, per CSV and per 1C exchange file, with
its kind, encoding, delimiter, sheet, entity, stable key column and column mapping. The
header row and the columns left unmapped are written as comments. Files that are not
client data (no header row, not a 1C export, unreadable) are listed as skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from connectors.csv_file import detect_encoding, read_csv, sniff_delimiter
from connectors.errors import SourceError
from connectors.excel import read_source_bytes, read_workbook
from pipelines.intake import read_exchange_file
from transforms.column_mapping import ColumnMapping, map_columns, normalise_header
from transforms.tables import ROW_COLUMN, NoHeaderError, SourceTable, find_table
from vocabulary.errors import UsageError
from vocabulary.messages import text

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".tsv")
XML_SUFFIXES = (".xml",)
MAX_LINE = 110
SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "migration.schema.json"
# Headers a stable record key is usually under, when the mapping did not take the column as a key.
_KEY_HEADERS = frozenset(
    {
        "№",
        "n",
        "no",
        "код",
        "код клиента",
        "код контрагента",
        "id",
        "ид",
        "идентификатор",
        "номер",
        "номер карточки",
        "key",
        "uid",
        "guid",
    }
)
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
    )
)


@dataclass
class DetectedSource:
    """One source as ``init`` found it; ``describe`` (message key, values) is the comment line above it."""

    name: str
    kind: str  # excel | csv | onec_xml
    path: Path
    describe: tuple[str, dict[str, object]]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    entity: str | None = None
    key: str | None = None
    mapping: ColumnMapping | None = None


@dataclass
class Skipped:
    path: Path
    reason: str


@dataclass
class Scan:
    sources: list[DetectedSource] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def init_config(
    folder: Path, out: Path | None = None, *, language: str = "ru", force: bool = False
) -> tuple[Path, Scan]:
    """Scan ``folder`` and write the config to ``out`` (default ``folder/migration.yaml``); UsageError when
    the folder is missing, holds no client file, or ``out`` exists (unless ``force``)."""
    if not folder.is_dir():
        raise UsageError(text("init.no_folder", folder=folder))
    out = out or folder / "migration.yaml"
    if out.exists() and not force:
        raise UsageError(text("init.exists", path=out))
    scan = scan_folder(folder, skip=(out,))
    if not scan.sources:
        skipped = "".join(f"; {s.path.name}: {s.reason}" for s in scan.skipped)
        raise UsageError(text("init.nothing", folder=folder, skipped=skipped))
    rendered = render_config(scan, folder=folder, out=out, language=language)
    temp = out.with_name(f".{out.name}.tmp")
    temp.write_text(rendered, encoding="utf-8")
    os.replace(temp, out)
    return out, scan


# -- detection --------------------------------------------------------------------------


def scan_folder(folder: Path, skip: Iterable[Path] = ()) -> Scan:
    """Every client file under ``folder`` (sub-folders too; hidden files and Excel lock files ignored)."""
    scan = Scan()
    ignored = {p.resolve() for p in skip}
    taken: set[str] = set()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if any(part.startswith((".", "~$")) for part in relative.parts) or path.resolve() in ignored:
            continue
        suffix = path.suffix.lower()
        if suffix not in (*EXCEL_SUFFIXES, *CSV_SUFFIXES, *XML_SUFFIXES):
            continue
        try:
            found = _detect(path, relative, taken)
        except (SourceError, NoHeaderError) as exc:
            scan.skipped.append(Skipped(relative, _reason(exc, path)))
            continue
        if not found:
            scan.skipped.append(Skipped(relative, text("init.not_client_file")))
        scan.sources += found
    return scan


def _reason(exc: Exception, path: Path) -> str:
    """The reader's one-line message without the source and file names it starts with (the list names the file)."""
    message = (str(exc).splitlines() or [type(exc).__name__])[0]
    for prefix in (f"{source_name(path.stem)}: ", f"{path.name}: "):
        message = message.removeprefix(prefix)
    return message


def _detect(path: Path, relative: Path, taken: set[str]) -> list[DetectedSource]:
    suffix = path.suffix.lower()
    if suffix in XML_SUFFIXES:
        return [_onec(path, relative, taken)]
    if suffix in CSV_SUFFIXES:
        return [_csv(path, relative, taken)]
    return _workbook(path, relative, taken)


def _onec(path: Path, relative: Path, taken: set[str]) -> DetectedSource:
    name = _unique(source_name(relative.stem), taken)
    data = read_exchange_file(path, source_name=name)
    return DetectedSource(
        name,
        "onec_xml",
        relative,
        ("init.onec_source", {"file": relative, "companies": len(data.companies), "contacts": len(data.contacts)}),
    )


def _csv(path: Path, relative: Path, taken: set[str]) -> DetectedSource:
    """The encoding and delimiter ``auto`` would choose, written out so the consultant sees them."""
    data = read_source_bytes(path)
    encoding = detect_encoding(data)
    delimiter = sniff_delimiter(data.decode(encoding, errors="replace").removeprefix("\ufeff"))
    del data
    table = find_table(read_csv(path))
    source = _table_source(table, relative, "csv", _unique(source_name(relative.stem), taken))
    source.encoding, source.delimiter = encoding, delimiter
    source.describe = (
        "init.csv_source",
        {
            "file": relative,
            "encoding": encoding,
            "delimiter": repr(delimiter),
            "header_row": table.header_row,
            "rows": len(table.frame),
        },
    )
    return source


def _workbook(path: Path, relative: Path, taken: set[str]) -> list[DetectedSource]:
    grids = read_workbook(path)
    tables: list[SourceTable] = []
    for grid in grids:
        try:
            tables.append(find_table(grid))
        except NoHeaderError:
            continue
    if not tables:
        raise NoHeaderError(text("init.not_client_file"))
    stem = source_name(relative.stem)
    out = []
    for table in tables:
        name = _unique(stem if len(tables) == 1 else f"{stem}_{source_name(table.name)}", taken)
        source = _table_source(table, relative, "excel", name)
        source.sheet = table.name
        source.describe = (
            "init.sheet_source",
            {"file": relative, "sheet": table.name, "header_row": table.header_row, "rows": len(table.frame)},
        )
        out.append(source)
    return out


def _table_source(table: SourceTable, relative: Path, kind: str, name: str) -> DetectedSource:
    headers = [c for c in table.frame.columns if c != ROW_COLUMN]
    mapping = map_columns(headers)
    key = stable_key(table, mapping)
    return DetectedSource(name, kind, relative, ("", {}), entity=mapping.entity, key=key, mapping=mapping)


def stable_key(table: SourceTable, mapping: ColumnMapping) -> str | None:
    """The column that identifies a record: the mapped key of the entity or a "№"/"Код"-like column,
    taken only when it is filled in every row and unique (in a mixed source a company's key repeats on
    the rows of its other contact persons, as the run expects)."""
    own = mapping.contact if mapping.entity == "contacts" else mapping.company
    candidates = [*own.get("key", [])]
    candidates += [h for h in mapping.unmapped if (normalise_header(h) or h.strip().lower()) in _KEY_HEADERS]
    for column in candidates:
        values = table.frame[column]
        if len(values) and values.notna().all() and (mapping.entity == "mixed" or values.is_unique):
            return column
    return None


def source_name(text_: str) -> str:
    """A config source name from a file or sheet name: Latin letters, digits, ``_``; Cyrillic transliterated."""
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in text_.lower())
    return re.sub(r"[^a-z0-9]+", "_", latin).strip("_")[:48] or "source"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate


# -- rendering --------------------------------------------------------------------------


def render_config(scan: Scan, *, folder: Path, out: Path, language: str) -> str:
    """The migration.yaml text: values from ``scan``, comments in ``language``."""
    from vocabulary.messages import speaking  # the file's language, not the CLI's

    with speaking(language):
        return _render(scan, folder=folder, out=out, language=language)


def _render(scan: Scan, *, folder: Path, out: Path, language: str) -> str:
    lines: list[str] = []
    if SCHEMA.is_file():
        lines.append(f"# yaml-language-server: $schema={SCHEMA.as_uri()}")
    lines += _comment_block(text("init.header", folder=folder, date=dt.date.today().isoformat(), config=out.name))
    lines += [
        "",
        _pair("name", folder.resolve().name or "migration", text("init.name")),
        _pair("default_region", "RU", text("init.region")),
        _pair("language", language, text("init.language")),
        "",
        "target:",
        _pair("url", "sqlite:///crm.db", text("init.target"), indent=2),
        "",
        "sources:",
    ]
    base = out.resolve().parent
    for source in scan.sources:
        lines += _render_source(source, Path(os.path.relpath(folder.resolve() / source.path, base)))
    if scan.skipped:
        lines += _comment_block(text("init.skipped_title"))
        lines += [f"# {text('init.skipped', file=s.path, reason=s.reason).strip()}" for s in scan.skipped]
        lines.append("")
    lines.append(_pair("matching", {}, text("init.matching")))
    return "\n".join(lines) + "\n"


def _render_source(source: DetectedSource, path: Path) -> list[str]:
    key, values = source.describe
    lines = [*_comment_block(text(key, **values), indent=2), f"  - {_scalar_pair('name', source.name)}"]
    item = [
        ("kind", source.kind, None),
        ("path", path.as_posix(), None),
        ("sheet", source.sheet, None),
        ("encoding", source.encoding, None),
        ("delimiter", source.delimiter, None),
    ]
    if source.entity:
        item.append(("entity", source.entity, text(f"init.entity.{source.entity}")))
    if source.mapping is not None:
        item.append(("key", source.key, text("init.key")) if source.key else ("#", None, text("init.no_key")))
    for key, value, note in item:
        if key == "#":
            lines.append(f"    # {note}")
        elif value is None:
            continue
        elif key == "delimiter":
            lines.append(f"    delimiter: {json.dumps(value)}")  # quoted: ";" and "\t" read as written
        else:
            lines.append(_pair(key, value, note, indent=4))
    if source.mapping is not None:
        columns = source.mapping.as_config()
        if columns:
            lines.append(_pair("columns", None, text("init.columns"), indent=4))
            for entity, block in columns.items():
                lines += _block(entity, block, indent=6)
        if source.mapping.unmapped:
            lines.append(f"    # {text('init.unmapped', columns=', '.join(source.mapping.unmapped))}")
    lines.append("")
    return lines


def _block(key: str, mapping: dict[str, object], indent: int) -> list[str]:
    """``key: {a: b, …}`` on one line when it fits, else one ``field: column`` line each."""
    line = _pair(key, mapping, None, indent=indent)
    if len(line) <= MAX_LINE:
        return [line]
    return [" " * indent + f"{key}:", *(_pair(f, cols, None, indent=indent + 2) for f, cols in mapping.items())]


def _comment_block(block: str, indent: int = 0) -> list[str]:
    return [" " * indent + ("# " + line if line else "#") for line in block.splitlines()]


def _scalar_pair(key: str, value: object) -> str:
    return f"{key}: {_flow(value)}"


def _pair(key: str, value: object, note: str | None, indent: int = 0) -> str:
    line = " " * indent + (f"{key}:" if value is None else _scalar_pair(key, value))
    return f"{line:<40} # {note}" if note else line


def _flow(value: object) -> str:
    """``value`` as one line of YAML (flow style; quoted where YAML needs it)."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6, sort_keys=False)
    return dumped.strip().removesuffix("...").strip()
