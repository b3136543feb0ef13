"""Broken and hostile input: no value stops a run, no record disappears, every bad file is named.

Each test pins one kind of breakage a client's export really has (README "Broken and
hostile input"); the last ones run the CLI on a folder of broken files end to end.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import struct
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import EXIT_FAILED, main
from connectors.csv_file import read_csv
from connectors.errors import SourceError
from connectors.excel import read_workbook
from pipelines.config import load_config
from pipelines.intake import extract_source
from transforms import normalise, records
from transforms.company_names import parse_company_name
from transforms.emails import parse_emails
from transforms.identifiers import inn_checksum_ok, normalise_inn, normalise_kpp, normalise_ogrn, ogrn_checksum_ok
from transforms.normalise import normalise_companies
from transforms.person_names import clean_position, parse_person_name
from transforms.phones import UNVERIFIED, parse_phones
from vocabulary.errors import RunFailure
from vocabulary.fields import COMPANY_FIELDS
from vocabulary.messages import text as message

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
HEADER = "Код;Наименование;ИНН;Телефон\n"

# --- 1. every normaliser, any text: no exception, canonical or flagged ------------------------------

hostile_text = st.one_of(
    st.text(max_size=80),  # any Unicode, control characters included
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Nd", "P"]), max_size=200),
    st.integers(1, 5000).map(lambda n: "7" * n),  # a digits-only blob, up to 5000 digits
    st.integers(1, 3000).map(lambda n: "(" * n + "+7 916 123-45-67" + ")" * n),  # deep nesting of brackets
    st.integers(1, 500).map(lambda n: '«ООО "' * n + "Ромашка" + '"»' * n),
    st.integers(1, 2000).map(lambda n: "a" * n + "@" + "b." * n + "ru"),
    st.lists(
        st.sampled_from(["8", "916", "+7", " ", "-", "доб.", "x", "(", ")", ",", "\n", "@", "ИП", "\x00"]), max_size=300
    ).map("".join),
)


def _phones_ok(cell: str) -> None:
    for p in parse_phones(cell, "RU"):
        if p.e164 is None:
            assert p.issue
        else:
            assert E164.match(p.e164) and (p.issue is None or p.inferred or p.unverified)


def _emails_ok(cell: str) -> None:
    for e in parse_emails(cell):
        assert e.issue or (e.email and "@" in e.email and e.email == e.email.lower() and not re.search(r"\s", e.email))


def _person_ok(cell: str) -> None:
    n = parse_person_name(cell)
    assert (
        n.issue
        or n.full_name is None
        or (n.full_name == " ".join(n.full_name.split()) and not CONTROL.search(n.full_name))
    )


def _company_ok(cell: str) -> None:
    c = parse_company_name(cell)
    assert c.issue or c.display is None or (c.display == c.display.strip() and c.match_key is not None)


def _identifiers_ok(cell: str) -> None:
    inn, kpp, ogrn = normalise_inn(cell), normalise_kpp(cell), normalise_ogrn(cell)
    assert inn.value is None and (inn.issue or inn.raw is None) or inn_checksum_ok(inn.value)
    assert kpp.value is None and (kpp.issue or kpp.raw is None) or re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp.value)
    assert ogrn.value is None and (ogrn.issue or ogrn.raw is None) or ogrn_checksum_ok(ogrn.value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_every_normaliser_survives_hostile_text(cell: str) -> None:
    _phones_ok(cell)
    _emails_ok(cell)
    _person_ok(cell)
    _company_ok(cell)
    _identifiers_ok(cell)
    position = clean_position(cell)
    assert position is None or isinstance(position, str)


@pytest.mark.parametrize(
    "cell",
    [
        " 5 2.94...644  5x.+43.177-229x42588823",  # the matcher reads it as one number with an 8-digit extension
        "-3( +18 18 70893 7.4-x- 5 ( .906- 9-9) ",
        "7916123456779161234567",  # two numbers glued without a space
        "8 916 123 45 67 8 916 765 43 21 8 495 123 45 67" * 20,
        "9" * 100_000,
    ],
)
def test_glued_digits_never_recurse(cell: str) -> None:
    phones = parse_phones(cell, "RU")
    assert phones and all(p.e164 or p.issue for p in phones)


# --- 1. the guard: a normaliser or the mapping failing on one value ---------------------------------


def _companies(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {f: [None] * n for f in COMPANY_FIELDS}
    base.update(
        _source=["s"] * n, _source_key=[f"k{i}" for i in range(n)], _origin=[f"f.csv:{i + 2}" for i in range(n)]
    )
    base.update(columns)
    return pd.DataFrame(base, dtype=object)


def test_a_normaliser_failing_on_one_value_flags_that_value_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_phones, real_squash = normalise.parse_phones, normalise._squash

    def phones(cell, region, city):
        if cell == "boom":
            raise RecursionError("maximum recursion depth exceeded")
        return real_phones(cell, region, city)

    def squash(value):
        if value == "bad note":
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return real_squash(value)

    monkeypatch.setattr(normalise, "parse_phones", phones)
    monkeypatch.setattr(normalise, "_squash", squash)
    out = normalise_companies(
        _companies(name=["ООО Альфа", "ООО Бета"], phone=["boom", "8 916 123 45 67"], note=["bad note", "ok"]),
        {"s": "RU"},
    )
    first, second = out.iloc[0], out.iloc[1]
    assert first["phones"][0].raw == "boom" and first["phones"][0].e164 is None
    assert first["note"] == "bad note"  # kept as written
    failed = message("bad_input.value_failed", error="RecursionError: maximum recursion depth exceeded")
    assert f"телефон 'boom': {failed}" in first["_issues"]
    assert any(w.startswith("примечание 'bad note': ") and "ValueError" in w for w in first["_issues"])
    assert second["phones"][0].e164 == "+79161234567" and second["_issues"] == []


def test_a_row_the_mapping_fails_on_is_quarantined_under_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_field = records._field

    def field(row, columns):
        if row.get("Наименование") == "ООО Бета":
            raise KeyError("surprise")
        return real_field(row, columns)

    monkeypatch.setattr(records, "_field", field)
    config = _config(tmp_path, HEADER + "R1;ООО Альфа;;\nR2;ООО Бета;;\nR3;ООО Гамма;;\n")
    extracted = extract_source(config, config.sources[0])
    assert list(extracted.records.companies["_source_key"]) == ["R1", "R3"]
    (bad,) = extracted.records.rejects.to_dict("records")
    assert bad["source_key"] == "R2" and bad["origin"] == "k.csv:3" and "KeyError" in bad["reasons"][0]


# --- 2. CSV quote recovery -------------------------------------------------------------------------


def _grid(tmp_path: Path, body: str):
    path = tmp_path / "k.csv"
    path.write_text(body, encoding="utf-8")
    return read_csv(path)


def test_a_quote_opened_mid_line_and_never_closed(tmp_path: Path) -> None:
    grid = _grid(tmp_path, HEADER + 'R1;ООО Альфа;;\nR2;"ООО Бета;;+7 916 123 45 68\nR3;ООО Гамма;;\nR4;ООО Дельта;;\n')
    assert [c[0] for c in grid.cells[1:]] == ["R1", "R3", "R4"]
    (bad,) = grid.rejects
    assert (bad.row, bad.raw, bad.cells) == (
        3,
        'R2;"ООО Бета;;+7 916 123 45 68',
        ("R2", "ООО Бета", None, "+7 916 123 45 68"),
    )
    assert bad.reason == message("bad_input.csv_quote_swallows_unclosed", records=2)


def test_a_quote_inside_a_field_is_a_character(tmp_path: Path) -> None:
    """Only a quote at the start of a field opens a quoted field: ``ООО "Бета`` is a name with a quote."""
    grid = _grid(tmp_path, HEADER + 'R1;ООО "Бета;;\nR2;ООО Гамма;;\n')
    assert grid.rejects == [] and grid.cells[1] == ["R1", 'ООО "Бета', None, None]


def test_a_quote_closed_several_lines_later(tmp_path: Path) -> None:
    body = HEADER + (
        'R1;"ООО Альфа;7707083893;+7 916 123 45 67\n'
        "R2;ООО Бета;;\nR3;ООО Гамма;;\n"
        'R4;ООО Дельта";;+7 916 123 45 70\n'
        "R5;ООО Эпсилон;;\n"
    )
    grid = _grid(tmp_path, body)
    assert [c[0] for c in grid.cells[1:]] == ["R2", "R3", "R4", "R5"]
    assert grid.cells[3] == ["R4", 'ООО Дельта"', None, "+7 916 123 45 70"]
    (bad,) = grid.rejects
    assert bad.row == 2 and bad.reason == message("bad_input.csv_quote_swallows", closed=5, records=3)


def test_a_quote_opened_on_the_last_line(tmp_path: Path) -> None:
    for end in ("\n", ""):
        grid = _grid(tmp_path, HEADER + 'R1;ООО Альфа;;\nR2;"ООО Бета;;+7 916 123 45 68' + end)
        assert [c[0] for c in grid.cells[1:]] == ["R1"]
        (bad,) = grid.rejects
        assert bad.row == 3 and bad.reason == message("bad_input.csv_quote_unclosed") and bad.cells[0] == "R2"


def test_a_field_past_the_size_limit_quarantines_its_line_only(tmp_path: Path) -> None:
    grid = _grid(tmp_path, HEADER + 'R1;"' + "x" * 200_000 + '";;\nR2;ООО Бета;;\n')
    assert [c[0] for c in grid.cells[1:]] == ["R2"]
    (bad,) = grid.rejects
    assert (
        bad.row == 2
        and bad.cells[0] == "R1"
        and bad.reason == message("bad_input.csv_field_too_long", limit=csv.field_size_limit())
    )


@pytest.mark.parametrize(
    "record",
    [
        'R2;ООО Бета;;"первая строка\nвторая строка"',  # a note in the last column
        'R2;"ООО Бета\nфилиал";;+7 916 123 45 68',  # a line break inside a middle column
        '"R2\nпродолжение";ООО Бета;;',  # in the first column, the second line looking like the rest of a record
        'R2;ООО Бета;;"строка 1\nстрока 2\nстрока 3; с точкой с запятой"',
    ],
)
def test_a_proper_multi_line_field_is_one_record(tmp_path: Path, record: str) -> None:
    grid = _grid(tmp_path, HEADER + "R1;ООО Альфа;;\n" + record + "\nR3;ООО Гамма;;\n")
    assert grid.rejects == [] and len(grid.cells) == 4 and "\n" in "".join(filter(None, grid.cells[2]))


# --- 3. keys in every quarantine entry ---------------------------------------------------------------


def _config(tmp_path: Path, body: str, key: str = "key: Код") -> object:
    (tmp_path / "k.csv").write_text(body, encoding="utf-8")
    (tmp_path / "migration.yaml").write_text(
        'name: t\ntarget: {url: "sqlite:///crm.db"}\nsources:\n'
        f"  - {{name: buh, kind: csv, path: k.csv, entity: companies, {key}}}\n",
        encoding="utf-8",
    )
    return load_config(tmp_path / "migration.yaml")


def test_rejected_lines_are_quarantined_under_the_key_they_hold(tmp_path: Path) -> None:
    body = HEADER + (
        "R0001;ООО Альфа;7707083893;\n"
        "R0002;ООО Бета; и Ко;7736050003;+7 916\n"  # a stray delimiter: 5 fields
        'R0003;"ООО Гамма;;\n'  # a quote never closed
        "R0004;ООО Дельта;;\n"
    )
    config = _config(tmp_path, body)
    rejects = extract_source(config, config.sources[0]).records.rejects
    assert sorted(zip(rejects["source_key"], rejects["origin"])) == [("R0002", "k.csv:3"), ("R0003", "k.csv:4")]


def test_without_a_key_column_a_rejected_line_is_keyed_by_its_place(tmp_path: Path) -> None:
    config = _config(tmp_path, "Наименование;ИНН\nООО Альфа;7707083893\nООО; Бета;1\n", key="")
    rejects = extract_source(config, config.sources[0]).records.rejects
    assert list(rejects["source_key"]) == ["k.csv:3"]


# --- 4. bad files: one line naming the file ----------------------------------------------------------


def _ole(sector_shift: int, directory_sector: int = 0) -> bytes:
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<H", header, 30, sector_shift)
    struct.pack_into("<I", header, 48, directory_sector)
    struct.pack_into("<109I", header, 76, 0, *([0xFFFFFFFF] * 108))
    return bytes(header)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (_ole(35087), message("bad_input.ole_sector_size", file="x.xlsx", shift=35087)),  # once: "Exceeds the limit"
        (_ole(9) + b"\x00" * 100, message("bad_input.ole_truncated", file="x.xlsx")),
        (b"PK\x03\x04" + b"\x00" * 50, "x.xlsx: книга повреждена или обрезана"),
        (b"\x00\x01\x02\x03" * 100, "x.xlsx: это не книга Excel"),
    ],
)
def test_a_workbook_that_cannot_be_read_is_named(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        read_workbook(path)
    assert str(info.value).startswith(expected) and "\n" not in str(info.value)
    assert isinstance(info.value, RunFailure)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("rot13", "k.csv: 'rot13' — не текстовая кодировка"),
        ("klingon", "k.csv: неизвестная кодировка 'klingon'"),
        ("utf-8", "k.csv: файл не в кодировке utf-8"),
    ],
)
def test_a_csv_in_a_wrong_encoding_is_named(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(HEADER.encode("cp1251"))
    with pytest.raises(SourceError, match=re.escape(expected)):
        read_csv(path, encoding)


def test_a_reader_failing_unexpectedly_still_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectors import csv_file

    def boom(*_args):
        raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")

    monkeypatch.setattr(csv_file, "parse_lines", boom)
    path = tmp_path / "k.csv"
    path.write_text(HEADER, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_csv(path)
    assert str(info.value) == message(
        "bad_input.file_unreadable",
        file="k.csv",
        detail="Exceeds the limit (4300 digits) for integer string conversion",
    )


def test_a_file_too_large_for_memory_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectors import csv_file

    def no_memory(_path):
        raise MemoryError

    monkeypatch.setattr(csv_file, "read_source_bytes", no_memory)
    path = tmp_path / "k.csv"
    path.write_text(HEADER, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_csv(path)
    assert str(info.value) == message("bad_input.file_too_large", file="k.csv", size="0 MB")


# --- 6. possible but unverified phones ----------------------------------------------------------------


def test_an_unverified_phone_is_loaded_with_a_warning() -> None:
    out = normalise_companies(_companies(name=["ТОО Алма"], phone=["+7 727 123 45 67"]), {"s": "RU"})
    (phone,) = out.iloc[0]["phones"]
    assert (phone.e164, phone.issue, phone.country) == ("+77271234567", UNVERIFIED, "KZ")
    assert out.iloc[0]["_issues"] == [
        message("normalise.warning.phone_unverified", raw="+7 727 123 45 67", e164="+77271234567")
    ]


# --- 7. the CLI on a folder of broken files ---------------------------------------------------------

BROKEN_CSV = (
    HEADER
    + "R0001;ООО Альфа;7707083893;+7 916 123 45 67\n"
    + 'R0002;"ООО Бета;7736050003;+7 916 123 45 68\n'  # quote never closed, would swallow R0003-R0004
    + "R0003;ООО Гамма;;7916123456779161234567\n"  # glued digits
    + "R0004;ООО Дельта;;+375 25 123 45 67\n"  # unverified
    + "R0005;ООО Эпсилон; и партнёры;;+7 916 123 45 71\n"  # ragged
    + 'R0006;ООО Зета;;"+7 916 123 45 72\n'  # quote open on the last line
)


def test_the_cli_loads_what_it_can_and_quarantines_the_rest_under_their_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _config(tmp_path, BROKEN_CSV)
    assert main(["run", "--config", str(tmp_path / "migration.yaml")]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    with sqlite3.connect(tmp_path / "crm.db") as db:
        linked = {k for (k,) in db.execute("SELECT source_key FROM source_links WHERE source = 'buh'")}
        quarantined = {k for (k,) in db.execute("SELECT source_key FROM quarantine WHERE source = 'buh'")}
    keys = {line.split(";")[0] for line in BROKEN_CSV.splitlines()[1:]}  # the key column, as a person reads it
    assert linked == {"R0001", "R0003", "R0004"}
    assert quarantined == {"R0002", "R0005", "R0006"}
    assert keys == linked | quarantined


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        ("excel", "enc.xlsx", _ole(35087) + bytes(range(256)) * 8),
        ("onec_xml", "orders.xml", b'<?xml version="1.0" encoding="shift_jis"?>\n<\x82\xa0/>'),  # expat: multi-byte
        ("onec_xml", "orders.xml", b"PK\x03\x04" + bytes(range(256)) * 4),  # a zipped exchange message
    ],
)
def test_the_cli_names_a_hostile_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, kind: str, name: str, content: bytes
) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "migration.yaml").write_text(
        f'name: t\ntarget: {{url: "sqlite:///crm.db"}}\nsources:\n  - {{name: old, kind: {kind}, path: {name}}}\n',
        encoding="utf-8",
    )
    assert main(["run", "--config", str(tmp_path / "migration.yaml")]) == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert name in err.split(": ")[:3] and len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "crm.db").exists()
