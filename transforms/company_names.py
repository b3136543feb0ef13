"""Company names → display name, legal form and a matching key.

The legal form is found before or after the name, short or long, in any case, with
dots or Latin look-alike letters (``ООО``, ``О.О.О.``, ``OOO``, ``Общество с ограниченной
ответственностью``, ``Ромашка, ООО``, ``Ромашка (ООО)``), for Russian and CIS forms and
common foreign ones (LLC, Ltd, JSC, GmbH …).

Display style (one for all): the short form, a space and the name in straight double
quotes — ``ООО "Ромашка"``; a name that already holds quotes is not wrapped again
(``ООО Торговый дом "Ромашка"``); an entrepreneur is written without quotes, his name
capitalised like a person's (``ИП Иванов Иван Иванович``); a foreign form follows the
name (``Acme Ltd``); without a form, the bare name. Every kind of quote becomes ``"``;
Latin look-alike letters inside a Cyrillic word become Cyrillic (``Pомашка`` →
``Ромашка``), since they are typing accidents; an all-lower-case name gets a capital
letter, any other case is the client's and stays.

The matching key drops the form and quotes, folds case and ``ё``, turns punctuation
into spaces and shortens a few stock phrases (``торговый дом`` → ``тд``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from transforms.cells import apply_distinct, cell_text, fold
from transforms.person_names import parse_person_name
from vocabulary.messages import Message, deferred


@dataclass(frozen=True)
class CompanyName:
    display: str | None  # 'ООО "Ромашка"'
    legal_form: str | None  # short form: ООО, АО, ИП, ...
    match_key: str | None  # "ромашка": no form, no quotes, lower case, ё→е
    issue: Message | None = None
    kind: str | None = None  # legal | entrepreneur, as the legal form says; None without a form
    bare_name: str | None = None  # the name without form and outer quotes: 'Ромашка'


# Short form, kind ("-" when the form alone does not tell), then its long and Latin spellings.
_LEGAL_FORMS = """
ООО legal общество с ограниченной ответственностью|OOO
ОДО legal общество с дополнительной ответственностью
ПАО legal публичное акционерное общество|PAO
НАО legal непубличное акционерное общество
ЗАО legal закрытое акционерное общество|ZAO
ОАО legal открытое акционерное общество|OAO
АО legal акционерное общество|AO
ИП entrepreneur индивидуальный предприниматель
КФХ - крестьянское (фермерское) хозяйство|глава КФХ|глава крестьянского (фермерского) хозяйства
ФГУП legal федеральное государственное унитарное предприятие
ГУП legal государственное унитарное предприятие
МУП legal муниципальное унитарное предприятие
ФГБУ legal федеральное государственное бюджетное учреждение
ГБУ legal государственное бюджетное учреждение
МБУ legal муниципальное бюджетное учреждение
ГАУ legal государственное автономное учреждение
МАУ legal муниципальное автономное учреждение
ГКУ legal государственное казенное учреждение
МКУ legal муниципальное казенное учреждение
АНО legal автономная некоммерческая организация
НКО legal некоммерческая организация
НП legal некоммерческое партнерство
ТСЖ legal товарищество собственников жилья
СНТ legal садоводческое некоммерческое товарищество
ТОО legal товарищество с ограниченной ответственностью|TOO
ЧУП legal частное унитарное предприятие
ЧП legal частное предприятие
LLC legal limited liability company|L.L.C.
LLP legal limited liability partnership
Ltd legal limited
JSC legal joint stock company|joint-stock company
PLC legal public limited company
Inc legal incorporated
Corp legal corporation
GmbH legal gesellschaft mit beschränkter haftung
AG legal aktiengesellschaft
"""

# Stock phrases shortened in the matching key, so "Торговый дом Ромашка" meets "ТД Ромашка".
_KEY_PHRASES = {
    "торговый дом": "тд",
    "торговая компания": "тк",
    "группа компаний": "гк",
    "научно производственное предприятие": "нпп",
    "научно производственная фирма": "нпф",
    "производственная компания": "пк",
    "строительная компания": "ск",
    "транспортная компания": "тк",
}

_LATIN_LOOKALIKES = str.maketrans("AaBCcEeHKkMOoPpTXxYy", "АаВСсЕеНКкМОоРрТХхУу")
_QUOTES = str.maketrans({c: '"' for c in "«»“”„‟″〝〞＂"})
_SINGLE_QUOTE = re.compile(r"''|(?<![^\W\d_])['‘’‚‛`]|['‘’‚‛`](?![^\W\d_])")
_MIXED_WORD = re.compile(r"[^\W\d_]*[A-Za-z][^\W\d_]*")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")
_NON_KEY = re.compile(r"[^\w&+]+|_")
_KEY_PHRASE = re.compile(r"\b(?:" + "|".join(_KEY_PHRASES) + r")\b")
_FORM_KEY_DROP = re.compile(r"[\s.()\-]")


def _form_key(text: str) -> str:
    return _FORM_KEY_DROP.sub("", fold(text))


def _spelling_pattern(spelling: str) -> str:
    """A regex for a spelling: flexible spaces, optional dots in abbreviations, е for ё."""
    if " " in spelling or len(spelling) > 5:
        words = [
            re.escape(w).replace("е", "[её]").replace(r"\(", r"\(?").replace(r"\)", r"\)?") for w in spelling.split()
        ]
        return r"\s+".join(words)
    return r"\.?".join(re.escape(ch) for ch in spelling.replace(".", "")) + r"\.?"


def _load_forms() -> tuple[dict[str, tuple[str, str | None]], re.Pattern[str], re.Pattern[str]]:
    forms: dict[str, tuple[str, str | None]] = {}
    spellings: list[str] = []
    for line in _LEGAL_FORMS.strip().splitlines():
        short, kind, rest = line.split(" ", 2)
        for spelling in [short, *rest.split("|")]:
            forms[_form_key(spelling)] = (short, None if kind == "-" else kind)
            spellings.append(spelling)
    alternatives = "|".join(_spelling_pattern(s) for s in sorted(spellings, key=len, reverse=True))
    prefix = re.compile(rf"^(?:{alternatives})(?=$|[\s\",(])", re.IGNORECASE)
    suffix = re.compile(rf"(?:^|[\s,(])(?:{alternatives})\)?$", re.IGNORECASE)
    return forms, prefix, suffix


_FORMS, _FORM_PREFIX, _FORM_SUFFIX = _load_forms()
_FOREIGN = frozenset(short for short, _ in _FORMS.values() if short.isascii())
_PERSON_FORMS = frozenset({"ИП", "КФХ"})  # named after the person: no quotes


def legal_form_kind(form: str | None) -> str | None:
    """``legal`` or ``entrepreneur`` for a legal form in any spelling; None when unknown or ambiguous."""
    found = _FORMS.get(_form_key(form)) if form else None
    return found[1] if found else None


def _fold_lookalikes(text: str) -> str:
    """Latin letters that look Cyrillic, inside a word that has Cyrillic letters, become Cyrillic."""

    def fix(m: re.Match[str]) -> str:
        word = m.group()
        if not _CYRILLIC.search(word):
            return word
        folded = word.translate(_LATIN_LOOKALIKES)
        return word if _LATIN.search(folded) else folded

    return _MIXED_WORD.sub(fix, text)


def _tidy(text: str) -> str:
    text = _SINGLE_QUOTE.sub('"', text.translate(_QUOTES))
    return _fold_lookalikes(" ".join(text.split()))


def _split_form(text: str) -> tuple[str | None, str]:
    """(short legal form, the rest) with the form taken from the start or the end."""
    for pattern in (_FORM_PREFIX, _FORM_SUFFIX):
        m = pattern.search(text)
        if m:
            form = _FORMS[_form_key(m.group().strip(" ,()"))][0]
            return form, (text[: m.start()] + text[m.end() :]).strip(" ,")
    return None, text


def _strip_quotes(core: str) -> str:
    """Outer quotes off (``""Ромашка""`` → ``Ромашка``); unpaired quotes dropped."""
    core = core.strip(" ,")
    while len(core) >= 2 and core[0] == core[-1] == '"':
        core = core[1:-1].strip(" ,")
    if core.count('"') % 2:
        core = core.replace('"', "")
    return " ".join(core.split())


def _match_key(core: str) -> str | None:
    key = " ".join(_NON_KEY.sub(" ", fold(core)).split())
    return _KEY_PHRASE.sub(lambda m: _KEY_PHRASES[m.group()], key) or None


@lru_cache(maxsize=200_000)
def parse_company_name(text: str | None) -> CompanyName:
    """Legal form, display name and matching key of a company name cell (style: module doc)."""
    text = cell_text(text)
    if text is None:
        return CompanyName(None, None, None)
    form, core = _split_form(_tidy(text))
    core = _strip_quotes(core)
    kind = legal_form_kind(form)
    if not core:
        return CompanyName(form, form, None, deferred("normalise.company.only_legal_form"), kind)
    if core.islower():
        core = core[0].upper() + core[1:]
    key = _match_key(core)
    issue = None if _LETTER.search(core) else deferred("normalise.company.no_letters")
    if form in _PERSON_FORMS and '"' not in core:
        person = parse_person_name(core)
        if person.full_name and not person.issue:  # else the name is odd: keep it as written
            core, key = person.full_name, person.match_key
        display = f"{form} {core}"
    elif form is None:
        display = core
    elif form in _FOREIGN:
        display = f"{core} {form}"
    else:
        display = f"{form} {core}" if '"' in core else f'{form} "{core}"'
    return CompanyName(display, form, key, issue, kind, core)


def normalise_company_column(names: pd.Series) -> pd.Series:
    """:func:`parse_company_name` over a column: a Series of :class:`CompanyName`."""
    return apply_distinct(parse_company_name, names)
