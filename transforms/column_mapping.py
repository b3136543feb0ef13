"""Map source headers to the canonical fields of DESIGN §4.

A header is read in steps, each one a little less certain (and said so in ``notes``):

1. the whole normalised header is a known synonym (``"Эл. почта"`` → email);
2. a qualifier names whose field it is (``"Телефон контактного лица"``, ``"ИНН контрагента"``,
   ``"Контакт: Телефон"``); a qualifier alone is itself a field (``"Компания"`` → company
   name, ``"Контактное лицо"`` → ФИО);
3. modifiers are dropped (``"Телефон 2"``, ``"Доп. телефон"``, ``"Мобильный телефон"``);
4. rapidfuzz finds near misses (``"Телфон"``) above a threshold that keeps
   ``"Дата создания"`` unmapped.

A number column (``"№"``, ``"№ п/п"``, ``"#"``, ``"Клиент №"``) names no field, least of all a name.
Under a two-row header the lower cell is the column's own name and the group above it
(``"Компания"`` over ``"№ | Клиент | E-mail"``, ``"Контактное лицо"`` over ``"ФИО | E-mail"``)
only says whose field it is: ``groups`` maps such a column to its group. When two columns
name one single-value field, the surer reading wins (a synonym over a bare qualifier over
a modified or fuzzy header), the first among equals.

Phone, e-mail, note and key exist for companies and contacts alike; in a mixed source
they go to the contact when a qualifier or a hint (``моб.``, ``личный``) says so or when
they stand in the run of contact columns (after ``ФИО`` / ``Должность``), else to the company.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from vocabulary.errors import RunFailure
from vocabulary.fields import COMPANY_FIELDS, CONTACT_FIELDS, ENTITY_KINDS, MULTI_VALUE_FIELDS
from vocabulary.messages import text

COMPANY, CONTACT, SHARED = "company", "contact", "shared"
FUZZY_CUTOFF = 85  # "Телфон"→телефон is 92, "Дата создания"→anything stays far below
FUZZY_MIN_LENGTH = 5  # short words ("Пол", "Код") are compared exactly only

# Synonyms per (kind, field), "|"-separated, compared after ``normalise_header``.
# SHARED fields belong to the row's main entity unless a qualifier or position says otherwise;
# ``shared.name`` is the company name, or the person's full name in a contacts-only source.
_VOCABULARY: dict[tuple[str, str], str] = {
    (COMPANY, "name"): "наименование|название|краткое наименование|наименование краткое|"
    "сокращенное наименование|рабочее наименование|название компании|"
    "наименование организации|наименование контрагента|наименование клиента|"
    "company name|organization name|organisation name|account name|client name|"
    "customer name|company|organization|organisation|account",
    (COMPANY, "legal_name"): "полное наименование|наименование полное|полное название|"
    "юридическое наименование|юридическое название|официальное наименование|"
    "наименование для печати|наименованиеполное|legal name|full legal name|"
    "official name|registered name",
    (COMPANY, "inn"): "инн|inn|tin|taxpayer id|tax id|идентификационный номер налогоплательщика",
    (COMPANY, "kpp"): "кпп|kpp|код причины постановки на учет",
    (COMPANY, "ogrn"): "огрн|огрнип|ogrn|ogrnip|основной государственный регистрационный номер|регистрационный номер",
    (COMPANY, "type"): "тип контрагента|вид контрагента|юр физ лицо|юридическое физическое лицо|"
    "опф|правовая форма|организационно правовая форма|форма собственности|"
    "legal form|company type",
    (COMPANY, "address"): "адрес|юридический адрес|юр адрес|фактический адрес|факт адрес|"
    "почтовый адрес|адрес организации|местонахождение|address|legal address|"
    "postal address|street address",
    (COMPANY, "city"): "город|населенный пункт|нас пункт|г|city|town",
    (COMPANY, "website"): "сайт|веб сайт|вебсайт|интернет сайт|сайт компании|web|website|web site|"
    "www|url|site|homepage",
    (COMPANY, "manager"): "ответственный|менеджер|ответственный менеджер|ответственный сотрудник|"
    "основной менеджер|куратор|manager|account manager|responsible|owner|"
    "responsible user|sales rep",
    (CONTACT, "full_name"): "фио|ф и о|фамилия имя отчество|полное имя|имя фамилия|контактное лицо|"
    "контакт|представитель|руководитель|фио руководителя|contact|"
    "contact person|contact name|full name|person",
    (CONTACT, "last_name"): "фамилия|last name|surname|family name",
    (CONTACT, "first_name"): "имя|first name|given name",
    (CONTACT, "middle_name"): "отчество|middle name|patronymic",
    (CONTACT, "position"): "должность|должн|позиция|position|job title|title|role",
    (SHARED, "name"): "name",
    (SHARED, "phone"): "телефон|телефоны|тел|номер телефона|контактный телефон|рабочий телефон|"
    "офисный телефон|городской телефон|стационарный телефон|мобильный|"
    "мобильный телефон|моб|моб тел|сотовый|сотовый телефон|phone|phones|tel|"
    "telephone|phone number|mobile|mobile phone|cell|cell phone|work phone",
    (SHARED, "email"): "e mail|email|эл почта|электронная почта|эл адрес|электронный адрес|"
    "адрес электронной почты|почта|емейл|емэйл|имейл|мейл|mail|e mail address|"
    "email address",
    (SHARED, "note"): "примечание|примечания|комментарий|комментарии|заметка|заметки|описание|"
    "дополнительная информация|доп информация|note|notes|comment|comments|"
    "description|remarks",
    (SHARED, "key"): "код|ид|id|идентификатор|внешний код|код 1с|код в 1с|guid|uuid|external id|номер в 1с",
}
# Headers that name no field although they are close to one ("Контакты" ≈ "Контакт"): never fuzzy-matched.
_NOT_FIELDS = (
    "контакты|контактная информация|контактные данные|дата|дата создания|дата изменения|статус|"
    "№|№ п п|п п|no|nr|номер|номер п п|порядковый номер|number|"
    "источник|пол|тип|вид|регион|область|страна|индекс|почтовый индекс|факс|fax|доб|добавочный|"
    "сумма|количество|цена|комментарий менеджера|created|modified|status|source|region|country"
)
# Words naming whose field a header is; alone, a qualifier is that entity's name field.
_QUALIFIERS: dict[str, str] = {
    COMPANY: "компания|компании|организация|организации|контрагент|контрагента|клиент|клиента|"
    "фирма|фирмы|юр лицо|юрлицо|юр лица|юридическое лицо|юридического лица|предприятие|"
    "предприятия|партнер|партнера|покупатель|покупателя|заказчик|заказчика|company|"
    "organization|organisation|client|customer|account",
    CONTACT: "контактное лицо|контактного лица|контактные лица|контактных лиц|конт лицо|контакт|"
    "контакта|кл|сотрудник|сотрудника|представитель|представителя|лицо|contact|"
    "contact person|person",
}
# Words that change nothing about the field ("Телефон 2"); some hint at the contact.
_MODIFIERS = (
    "№|no|nr|доп|дополнительный|дополнительная|основной|основная|второй|рабочий|рабочая|офисный|"
    "городской|старый|новый|другой|ещё|еще|main|other|work|office|second|alt|additional"
)
_CONTACT_HINTS = "моб|мобильный|мобильного|сотовый|личный|личная|личного|mobile|cell|personal|private"

# For a contacts-only source, the company block names the person's company: only these.
COMPANY_REFERENCES = ("key", "inn", "name")


class MappingError(RunFailure):
    """A `columns:`/`entity:`/`key:` setting that does not fit the file's headers (the message names them)."""


def normalise_header(text: str) -> str:
    """Lower case, ё→е, punctuation and spacing folded, ``#`` read as ``№``: ``" Эл. почта:"`` → ``"эл почта"``."""
    folded = text.casefold().replace("ё", "е").replace("#", "№").replace("№", " № ")
    return " ".join(re.sub(r"[^\w№]+|_", " ", folded).split())


def _words(spec: str) -> list[str]:
    return [normalise_header(w) for w in spec.split("|")]


_SYNONYMS: dict[str, tuple[str, str]] = {w: key for key, spec in _VOCABULARY.items() for w in _words(spec)}
_QUALIFIER_WORDS: list[tuple[str, str]] = sorted(
    ((w, entity) for entity, spec in _QUALIFIERS.items() for w in _words(spec)), key=lambda p: -len(p[0])
)
_NOT_FIELD_WORDS = frozenset(_words(_NOT_FIELDS))
_MODIFIER_WORDS = frozenset(_words(_MODIFIERS))
_HINT_WORDS = frozenset(_words(_CONTACT_HINTS))
_SELF_FIELD = {COMPANY: (COMPANY, "name"), CONTACT: (CONTACT, "full_name")}
_SHARED_FIELDS = {
    "name": ("name", "full_name"),
    "phone": ("phone", "phone"),
    "email": ("email", "email"),
    "note": ("note", "note"),
    "key": ("key", "key"),
}


# How sure a reading is: when two columns name one single-value field, the surer one is taken.
FUZZY, MODIFIED, QUALIFIER_ALONE, SYNONYM = range(4)


@dataclass(frozen=True)
class HeaderMatch:
    """What one header names: ``kind`` is company, contact or shared (decided by context)."""

    kind: str
    field: str
    qualifier: str | None = None  # entity named by the header itself ("Телефон клиента") or by its group
    contact_hint: bool = False  # "моб.", "личный": a person's rather than an office's
    fuzzy: int | None = None  # rapidfuzz score when the header was a near miss
    rank: int = SYNONYM  # FUZZY … SYNONYM


@lru_cache(maxsize=4096)
def match_header(header: str, group: str | None = None) -> HeaderMatch | None:
    """The field ``header`` names, or None; pure vocabulary, no context.

    ``group`` is the upper cell of a two-row header (``header`` is then the joined name,
    ``"Компания E-mail"``): the lower cell is read as the header, the group says whose it is.
    """
    if group:
        return _under_group(header, group)
    return _match_words(normalise_header(header))


def is_known_header(header: str, group: str | None = None) -> bool:
    """True when ``header`` names a canonical field (used to find the header row)."""
    return match_header(header, group) is not None


def own_name(header: str, group: str | None) -> str:
    """The lower cell of a two-row header's joined name: ``"Компания E-mail"`` under ``"Компания"`` → ``"E-mail"``."""
    return header[len(group) + 1 :] if group and header.startswith(group + " ") else header


def _match_words(words: str) -> HeaderMatch | None:
    if not words or words in _NOT_FIELD_WORDS:
        return None
    hit = _exact(words)
    if hit is not None:
        return hit
    qualifier, rest = _strip_qualifier(words)
    if qualifier is not None:
        base = _match_words(rest) if rest else HeaderMatch(*_SELF_FIELD[qualifier], rank=QUALIFIER_ALONE)
        return replace(base, qualifier=base.qualifier or qualifier) if base else None
    return _group_suffix(words) or _fuzzy(words)


def _under_group(header: str, group: str) -> HeaderMatch | None:
    """A column of a two-row header: its own name's field; a company/contact group decides a shared field's owner.

    A lower cell that names nothing alone is read with its group ("Телефон" over "Рабочий").
    """
    hit = match_header(own_name(header, group)) or match_header(header)
    entity = _strip_qualifier(normalise_header(group))[0]
    if hit is None or entity is None or hit.qualifier is not None or hit.kind != SHARED:
        return hit
    return replace(hit, qualifier=entity)


def _exact(words: str) -> HeaderMatch | None:
    tokens = words.split()
    hint = any(t in _HINT_WORDS for t in tokens)
    if words in _SYNONYMS:
        return HeaderMatch(*_SYNONYMS[words], contact_hint=hint)
    kept = [t for t in tokens if t not in _MODIFIER_WORDS and t not in _HINT_WORDS and not t.isdigit()]
    if kept and len(kept) < len(tokens) and (key := _SYNONYMS.get(" ".join(kept))):
        return HeaderMatch(*key, contact_hint=hint, rank=MODIFIED)
    return None


def _strip_qualifier(words: str) -> tuple[str | None, str]:
    """Remove one qualifier phrase from the start or end of ``words``."""
    for phrase, entity in _QUALIFIER_WORDS:
        if words == phrase:
            return entity, ""
        if words.startswith(phrase + " "):
            return entity, words[len(phrase) + 1 :]
        if words.endswith(" " + phrase):
            return entity, words[: -len(phrase) - 1]
    return None, words


def _group_suffix(words: str) -> HeaderMatch | None:
    """A two-row header under a group that names no entity: "Реквизиты ИНН" → the ИНН part."""
    tokens = words.split()
    hit = next((hit for i in range(1, len(tokens)) if (hit := _exact(" ".join(tokens[i:])))), None)
    return replace(hit, rank=MODIFIED) if hit else None


def _fuzzy(words: str) -> HeaderMatch | None:
    if len(words) < FUZZY_MIN_LENGTH:
        return None
    best = process.extractOne(words, _SYNONYMS.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return None
    kind, name = _SYNONYMS[best[0]]
    return HeaderMatch(kind, name, fuzzy=round(best[1]), rank=FUZZY)


@dataclass
class ColumnMapping:
    """Which source headers feed which canonical field, per entity.

    ``company``/``contact`` map a canonical field to the source headers feeding it,
    in order (several phone columns → one multi-value phone field). For a
    contacts-only source, ``company`` holds the columns that *refer* to the
    contact's company (``key``, ``inn``, ``name``). ``unmapped`` columns travel
    to the CRM as custom fields.
    """

    entity: str  # companies | contacts | mixed
    company: dict[str, list[str]] = field(default_factory=dict)
    contact: dict[str, list[str]] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_config(self) -> dict[str, dict[str, str | list[str]]]:
        """The ``columns:`` block a consultant can paste into migration.yaml."""

        def block(m: dict[str, list[str]]) -> dict[str, str | list[str]]:
            return {f: (cols[0] if len(cols) == 1 else list(cols)) for f, cols in m.items()}

        out = {}
        if self.company:
            out["company"] = block(self.company)
        if self.contact:
            out["contact"] = block(self.contact)
        return out

    def describe(self) -> str:
        """The mapping for a human, one line per field, custom fields last."""
        rows = [
            (f"{entity}.{name}", ", ".join(cols))
            for entity, block in ((COMPANY, self.company), (CONTACT, self.contact))
            for name, cols in block.items()
        ]
        if self.unmapped:
            rows.append((text("mapping.custom_fields"), ", ".join(self.unmapped)))
        width = max((len(label) for label, _ in rows), default=0)
        return "\n".join([f"entity: {self.entity}", *(f"{label:<{width}} ← {cols}" for label, cols in rows)])


def map_columns(
    headers: Sequence[str],
    *,
    entity: str | None = None,
    explicit: Mapping[str, Mapping[str, str | list[str]] | None] | None = None,
    groups: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """Choose the mapping for ``headers``: ``explicit`` (the config's ``columns:``) wins, else the vocabulary.

    ``entity`` (companies | contacts | mixed) is detected when None. ``groups`` maps the
    columns of a two-row header to their group cell (``SourceTable.groups``). Raises
    ``MappingError`` when ``explicit`` names a header that is not there or a field that does not exist.
    """
    if entity is not None and entity not in ENTITY_KINDS:
        raise MappingError(text("mapping.unknown_entity", entity=entity, allowed=", ".join(ENTITY_KINDS)))
    groups = groups or {}
    if explicit and any(explicit.get(e) for e in (COMPANY, CONTACT)):
        return _explicit_mapping(headers, entity, explicit, groups)
    return _automatic_mapping(headers, entity, groups)


def find_column(
    wanted: str, headers: Sequence[str], groups: Mapping[str, str] | None = None, what: str | None = None
) -> str:
    """The header a config entry names: as written, spelled differently, or by its lower cell alone.

    Under a two-row header ``"Компания №"`` is also ``"№"`` — when no other column's lower
    cell is ``"№"``; otherwise the message lists the full names to choose from.
    """
    if wanted in headers:
        return wanted
    what = what or text("mapping.column")
    norm = normalise_header(wanted)
    found = [h for h in headers if normalise_header(h) == norm]
    if not found and groups:
        found = [h for h in headers if h in groups and normalise_header(own_name(h, groups[h])) == norm]
        if len(found) > 1:
            raise MappingError(text("mapping.ambiguous", what=what, wanted=wanted, found=", ".join(map(repr, found))))
    if not found:
        raise MappingError(text("mapping.not_found", what=what, wanted=wanted, columns=", ".join(headers)))
    return found[0]


def _explicit_mapping(
    headers: Sequence[str],
    entity: str | None,
    explicit: Mapping[str, Mapping[str, str | list[str]] | None],
    groups: Mapping[str, str],
) -> ColumnMapping:
    blocks: dict[str, dict[str, list[str]]] = {COMPANY: {}, CONTACT: {}}
    for ent, allowed in ((COMPANY, COMPANY_FIELDS), (CONTACT, CONTACT_FIELDS)):
        for name, spec in (explicit.get(ent) or {}).items():
            if name not in allowed:
                raise MappingError(text("mapping.not_a_field", entity=ent, field=name, allowed=", ".join(allowed)))
            for wanted in [spec] if isinstance(spec, str) else spec:
                found = find_column(wanted, headers, groups, text("mapping.config_column", entity=ent, field=name))
                blocks[ent].setdefault(name, []).append(found)
    detected = entity or _entity_of(blocks, [])
    return ColumnMapping(
        detected, blocks[COMPANY], blocks[CONTACT], _unmapped(headers, blocks), [text("mapping.from_config")]
    )


def _unmapped(headers: Iterable[str], blocks: Mapping[str, Mapping[str, list[str]]]) -> list[str]:
    used = {c for block in blocks.values() for cols in block.values() for c in cols}
    return [h for h in headers if h not in used]


def _automatic_mapping(headers: Sequence[str], entity: str | None, groups: Mapping[str, str]) -> ColumnMapping:
    matches = [match_header(h, groups.get(h)) for h in headers]
    detected = entity or _entity_of(_assign(headers, matches, "mixed")[0], headers)
    blocks, notes = _assign(headers, matches, detected)
    fuzzy = [
        text("mapping.fuzzy", header=h, field=f"{m.kind}.{m.field}", score=m.fuzzy)
        for h, m in zip(headers, matches)
        if m and m.fuzzy is not None
    ]
    detection = [] if entity else [text("mapping.detected", entity=detected)]
    return ColumnMapping(
        detected, blocks[COMPANY], blocks[CONTACT], _unmapped(headers, blocks), [*detection, *fuzzy, *notes]
    )


def _assign(
    headers: Sequence[str], matches: Sequence[HeaderMatch | None], entity: str
) -> tuple[dict[str, dict[str, list[str]]], list[str]]:
    """Blocks of a source of kind ``entity``, and notes on columns kept as custom fields.

    A single-value field claimed by several columns takes the surest reading (``rank``),
    the leftmost among equals: "Наименование" over "Клиент" over "Наименованние".
    """
    claims: dict[tuple[str, str], list[tuple[int, str]]] = {}
    notes: list[str] = []
    for i, (h, m) in enumerate(zip(headers, matches)):
        if m is None:
            continue
        owner = _entity_for(m, i, matches, entity)
        name = m.field if m.kind != SHARED else _SHARED_FIELDS[m.field][owner == CONTACT]
        if _fits(owner, name, entity):
            claims.setdefault((owner, name), []).append((m.rank, h))
        else:
            notes.append(text("mapping.kept_custom", header=h, field=f"{owner}.{name}", entity=entity))
    blocks: dict[str, dict[str, list[str]]] = {COMPANY: {}, CONTACT: {}}
    for (owner, name), columns in claims.items():
        if name in MULTI_VALUE_FIELDS:
            blocks[owner][name] = [h for _, h in columns]
            continue
        taken = max(columns, key=lambda c: c[0])[1]
        blocks[owner][name] = [taken]
        notes += [
            text("mapping.also_looks_like", header=h, field=f"{owner}.{name}", taken=taken)
            for _, h in columns
            if h != taken
        ]
    return blocks, notes


def _fits(owner: str, name: str, entity: str) -> bool:
    """Whether a field of ``owner`` has a place in a source of kind ``entity``."""
    if entity == "companies":
        return owner == COMPANY
    if entity == "contacts":
        return owner == CONTACT or name in COMPANY_REFERENCES
    return True


def _entity_for(m: HeaderMatch, index: int, matches: Sequence[HeaderMatch | None], entity: str) -> str:
    """Whose field column ``index`` is: qualifier, then hint, then the run of contact columns."""
    if m.qualifier is not None:
        return m.qualifier
    if m.kind != SHARED:
        return m.kind
    if entity != "mixed":
        return CONTACT if entity == "contacts" else COMPANY
    if m.contact_hint:
        return CONTACT
    return CONTACT if _in_contact_run(index, matches) else COMPANY


def _in_contact_run(index: int, matches: Sequence[HeaderMatch | None]) -> bool:
    """True when a contact column stands left of ``index`` with no company column in between."""
    for m in reversed(matches[:index]):
        if m is None or m.kind == SHARED and m.qualifier is None:
            continue
        return (m.qualifier or m.kind) == CONTACT
    return False


def _entity_of(blocks: Mapping[str, Mapping[str, list[str]]], headers: Sequence[str]) -> str:
    """companies, contacts or mixed, from which identity fields are present and which comes first.

    A source whose first identity column is a person and whose company columns only refer
    to a company (key/INN/name) is a contacts list; company first means a mixed list.
    """
    company_ids = {f: c for f, c in blocks[COMPANY].items() if f in ("name", "legal_name", "inn", "ogrn")}
    contact_ids = {f: c for f, c in blocks[CONTACT].items() if f in ("full_name", "last_name", "first_name")}
    if not contact_ids:
        return "companies"
    if not company_ids:
        return "contacts"
    if headers and set(blocks[COMPANY]) <= set(COMPANY_REFERENCES):
        first = {h: i for i, h in enumerate(headers)}
        person = min(first[c] for cols in contact_ids.values() for c in cols)
        company = min(first[c] for cols in company_ids.values() for c in cols)
        if person < company:
            return "contacts"
    return "mixed"
