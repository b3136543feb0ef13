"""URLs as they may be shown: passwords never leave the process.

The one place that masks secrets in URLs and in error texts: every printed or stored
message goes through ``mask_url`` or ``scrub``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_USERINFO = re.compile(r"(//[^:/@\s]+:)[^@\s]*@")


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` — the only form ever shown."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _USERINFO.sub(r"\1***@", url)


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except ArgumentError:
        found = re.search(r"//[^:/@\s]+:([^@\s]*)@", url)
        return unquote(found.group(1)) if found else None


def scrub(text: str, *urls: str) -> str:
    """``text`` with the passwords of ``urls`` (raw and percent-encoded) and any URL user-info password masked."""
    for url in urls:
        password = _password(url) if url else None
        if password:
            text = text.replace(str(password), "***")
    return _USERINFO.sub(r"\1***@", text)
