"""Benchmarks: ``make bench`` runs every ``bench/bench_*.py`` module's ``run()``."""

import json
import subprocess
import sys
from pathlib import Path


def measure_in_child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter (so its peak memory is its own) and return its JSON output."""
    repo = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=repo, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)
