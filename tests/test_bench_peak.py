"""The benchmarks' peak memory is the child's, not the high-water mark the child inherits from its parent."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.peak import TreeWatch, peak_mb


def test_a_small_child_of_a_big_parent_reports_its_own_peak() -> None:
    ballast = bytearray(300 * 2**20)  # the parent's high-water mark: 300 MB more, touched
    ballast[::4096] = b"\x01" * len(ballast[::4096])
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1)"])
    with TreeWatch(child.pid) as watch:
        _, _, usage = os.wait4(child.pid, 0)
    assert usage.ru_maxrss * 1024 > 300 * 2**20  # what wait4 says: the parent's mark
    assert 0 < peak_mb(watch.peak, usage) < 100  # a sleeping interpreter
    del ballast
