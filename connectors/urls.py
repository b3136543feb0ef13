"""Database URLs as they may be shown: passwords never leave the process."""
from __future__ import annotations

import re

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` — the only form ever shown."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)
