"""The benchmarks' memory figures: the child's own peak (not the mark it inherits), and per stage of a run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench import stage_memory
from bench.peak import TreeWatch, peak_mb
from tests.clientdata import write_dataset


def test_a_small_child_of_a_big_parent_reports_its_own_peak() -> None:
    ballast = bytearray(300 * 2**20)  # the parent's high-water mark: 300 MB more, touched
    ballast[::4096] = b"\x01" * len(ballast[::4096])
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1)"])
    with TreeWatch(child.pid) as watch:
        _, _, usage = os.wait4(child.pid, 0)
    assert usage.ru_maxrss * 1024 > 300 * 2**20  # what wait4 says: the parent's mark
    assert 0 < peak_mb(watch.peak, usage) < 100  # a sleeping interpreter
    del ballast


def test_a_run_is_split_into_its_stages_with_their_time_and_memory(tmp_path: Path) -> None:
    """bench.stage_memory: one entry per progress stage and per gap, in the order the run went."""
    out = tmp_path / "stages.json"
    args = ["-q", "run", "--config", str(write_dataset(tmp_path)), "--dry-run"]
    assert stage_memory.main([str(out), "--", *args]) == 0
    stages = json.loads(out.read_text(encoding="utf-8"))
    names = [s["stage"] for s in stages]
    wanted = ["нормализация", "проверка", "поиск дублей", "эталонные записи", "загрузка в CRM"]
    assert [n for n in names if n in wanted] == wanted
    assert names[0] == "startup" and names[1].startswith("чтение ") and names[2].startswith("after чтение ")
    for s in stages:
        assert 0 < s["start_mb"] <= s["peak_mb"] and s["end_mb"] <= s["peak_mb"] and s["seconds"] >= 0
