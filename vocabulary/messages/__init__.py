"""The message catalogue: every user-facing text in Russian (default) and English.

Each module of this package defines ``MESSAGES = {key: {"ru": ..., "en": ...}}`` for one
domain (push, sync, report, …); they are collected here, so a new domain is a new file
and never a merge conflict. ``text(key, **values)`` formats the text of the current
language, set once per command from the config's ``language:``.

Before a config is read (``--help``, argument errors, a config that cannot be read) the
language is Russian, or the one of the environment variable ``CRM_MIGRATE_LANGUAGE``.

``deferred(key, **values)`` is the same text not yet rendered: what a cached pure function
returns (a normaliser's issue), so that its cached result reads in the language current when
it is shown, not in the one of the run that computed it first.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from string import Formatter

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
LANGUAGE_ENV = "CRM_MIGRATE_LANGUAGE"  # the language before a config says one (--help, config errors)

_current = {"language": DEFAULT_LANGUAGE}


def set_language(language: str) -> None:
    """Use ``language`` (``ru`` or ``en``) for every message from now on."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")
    _current["language"] = language


def current_language() -> str:
    return _current["language"]


def environment_language() -> str | None:
    """``$CRM_MIGRATE_LANGUAGE`` as given (None when unset or empty); whether it is known is the caller's check."""
    return os.environ.get(LANGUAGE_ENV, "").strip().lower() or None


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Messages in ``language`` inside the block, the language before it afterwards."""
    before = current_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def _collect() -> dict[str, dict[str, str]]:
    catalogue: dict[str, dict[str, str]] = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")):
        entries = importlib.import_module(f"{__name__}.{module}").MESSAGES
        clash = catalogue.keys() & entries.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        catalogue.update(entries)
    return catalogue


CATALOGUE: dict[str, dict[str, str]] = _collect()


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields of a template (for the catalogue's completeness test)."""
    return {field for _, field, _, _ in Formatter().parse(template) if field}


def text(key: str, /, **values: object) -> str:
    """The message ``key`` in the current language, with ``values`` filled in."""
    entry = CATALOGUE[key]
    return entry[current_language()].format(**values)


@dataclass(frozen=True)
class Message:
    """A catalogue text to render later: ``str(message)`` is its text in the language current then.

    Equal keys and values make equal messages, so code may compare them (``issue == TOO_SHORT``).
    """

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return text(self.key, **dict(self.values))


def deferred(key: str, /, **values: object) -> Message:
    """The message ``key`` with ``values``, rendered when shown (an unknown key fails here, not then)."""
    if key not in CATALOGUE:
        raise KeyError(key)
    return Message(key, tuple(values.items()))


def field_label(column: str) -> str:
    """A canonical field as the reader's language names it; any other column as it is."""
    return text(f"field.{column}") if f"field.{column}" in CATALOGUE else column
