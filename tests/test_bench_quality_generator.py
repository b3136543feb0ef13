"""The quality benchmark's generator: every record it writes has a ground truth, and the files parse."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bench.quality.generate import generate
from bench.quality.read_files import read_sources


def _truth(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / "truth.csv", dtype=str, keep_default_na=False)


def test_every_record_in_the_files_has_exactly_one_truth_row(tmp_path: Path) -> None:
    manifest = generate(tmp_path, companies=50, seed=3)
    companies, contacts = read_sources(tmp_path)
    truth = _truth(tmp_path)

    in_files = {("company", s, k) for s, k in zip(companies["source"], companies["source_key"])} | {
        ("contact", s, k) for s, k in zip(contacts["source"], contacts["source_key"])
    }
    in_truth = list(zip(truth["entity"], truth["source"], truth["source_key"]))
    assert len(in_truth) == len(set(in_truth)) == manifest["records"]
    assert in_files == set(in_truth)
    assert set(truth["source"]) == {"old_crm", "buh_1c", "contacts", "exchange"}
    assert (truth.loc[truth["entity"] == "contact", "person_id"] != "").all()
    assert truth["company_id"].str.fullmatch(r"C\d{6}").all()
    assert truth["record_id"].is_unique


def test_shuffling_reorders_rows_but_keeps_the_records(tmp_path: Path) -> None:
    generate(tmp_path / "a", companies=50, seed=3)
    generate(tmp_path / "b", companies=50, seed=3, shuffle=9)
    columns = ["record_id", "entity", "company_id", "person_id", "as_written"]
    a, b = _truth(tmp_path / "a"), _truth(tmp_path / "b")

    assert a["record_id"].tolist() != b["record_id"].tolist()
    assert a[columns].sort_values("record_id").values.tolist() == b[columns].sort_values("record_id").values.tolist()


def test_the_workbook_and_the_1c_file_look_like_client_files(tmp_path: Path) -> None:
    generate(tmp_path, companies=50, seed=3)
    raw = (tmp_path / "kontragenty_1c.csv").read_bytes()
    assert raw.decode("cp1251").startswith("Код;Наименование;") and b"\r\n" in raw
    assert (tmp_path / "contacts.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    sheet = pd.read_excel(tmp_path / "old_crm.xlsx", header=None, dtype=str, engine="calamine")
    assert sheet.iloc[2, 0] == "Компания" and sheet.iloc[3, 0] == "№"  # merged group header over the header
    assert sheet.iloc[-1, 0].startswith("Итого")
    assert "КПП" not in sheet.iloc[3].tolist()
