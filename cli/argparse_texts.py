"""argparse's own texts in the catalogue's language: "usage:", "options", "-h" and its errors.

argparse words its texts in English and looks each up through gettext, calling the
module-level ``argparse._`` when it builds a parser (group titles, the help of ``-h``) and
when it formats usage lines and errors. :func:`argparse_texts` puts the catalogue's lookup in
that name's place for as long as a parser is built and used: a text in :data:`ARGPARSE_TEXTS`
comes from ``vocabulary/messages/cli.py``, any other one stays argparse's. The texts keep
argparse's ``%``-placeholders, which argparse fills in after the lookup.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from vocabulary.messages import text

# argparse's English original → the catalogue key of its translation
ARGPARSE_TEXTS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positionals",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "the following arguments are required: %s": "cli.argparse.required",
    "one of the arguments %s is required": "cli.argparse.one_of_required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "expected one argument": "cli.argparse.expected_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "not allowed with argument %s": "cli.argparse.not_allowed_with",
    "ignored explicit argument %r": "cli.argparse.ignored_explicit",
}


def translated(original: str) -> str:
    """The current language's text for one of argparse's English texts (argparse's own when not listed)."""
    key = ARGPARSE_TEXTS.get(original)
    return text(key) if key else original


@contextmanager
def argparse_texts() -> Iterator[None]:
    """Inside the block argparse speaks the current language (build and use the parser in it)."""
    english = argparse._
    argparse._ = translated
    try:
        yield
    finally:
        argparse._ = english
