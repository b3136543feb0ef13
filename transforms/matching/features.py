"""What the matcher knows of each record: the features its comparisons and rules read.

Plain arrays per record, in stable-key order. Together with the cluster numbers they are
the *cluster state* a later sync can store and extend (issue 10): new records get the same
features, are blocked against the stored ones and join the stored clusters by the same rules.

Every per-record computation runs under a guard (:class:`_Guard`): a value one of them fails
on — a mistyped cell (a float, a list), a pathological string, a bug — gives that record the
neutral feature (nothing known) and a warning naming the field, never a failed run. Values
passed through as they are (identifiers, name keys) are text or None, whatever came in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from transforms.area_codes import city_of_number, find_city
from transforms.cells import failure, fold
from transforms.company_names import parse_company_name
from transforms.emails import COMMON_DOMAINS
from transforms.matching.model import smoothed_tf, value_tf
from transforms.matching.rules import name_clash, person_gender
from transforms.matching.translit import translit_key
from vocabulary.fields import COMPANY_RECORD, CREATED_KEY_PREFIX, ISSUES, REF_INN, REF_KEY, REF_ROW, SOURCE, SOURCE_KEY
from vocabulary.messages import field_label, text

# Features whose value frequency replaces u (term frequencies), with the prior u they are smoothed towards.
COMPANY_TF = (
    ("key", 1e-4),
    ("inn", 1e-6),
    ("kpp", 1e-3),
    ("ogrn", 1e-6),
    ("place", 0.08),
    ("address", 1e-5),
    ("domain", 1e-5),
)
CONTACT_TF = (("last", 4e-3), ("first", 0.03), ("middle", 0.03))
CHANNEL_PRIOR_U = 1e-6  # phones and e-mails
PHONE_SLOTS = 4  # phones per record the comparisons look at (the rest still travel to the CRM)
EMAIL_SLOTS = 3
PERSON_SLOTS = 8  # a company record's contact persons (name, mobile, personal e-mail) compared
# Mailboxes that many unrelated people share; a shared one says little about identity.
ROLE_MAILBOXES = frozenset(
    {
        "info",
        "office",
        "sales",
        "mail",
        "admin",
        "buh",
        "zakaz",
        "order",
        "orders",
        "secretary",
        "reception",
        "support",
        "hello",
        "contact",
        "contacts",
        "post",
        "manager",
        "director",
        "dir",
        "priemnaya",
        "kadry",
        "hr",
        "otdel",
        "shop",
        "market",
        "opt",
    }
)
FREE_MAIL = frozenset(COMMON_DOMAINS)  # a shared free-mail domain says nothing about a company
# INN region (the first two digits, the tax subject code) of the cities of transforms.area_codes.
_REGIONS = {
    "Москва": "77",
    "Санкт-Петербург": "78",
    "Новосибирск": "54",
    "Екатеринбург": "66",
    "Казань": "16",
    "Нижний Новгород": "52",
    "Челябинск": "74",
    "Самара": "63",
    "Омск": "55",
    "Ростов-на-Дону": "61",
    "Уфа": "02",
    "Красноярск": "24",
    "Воронеж": "36",
    "Пермь": "59",
    "Волгоград": "34",
    "Краснодар": "23",
    "Саратов": "64",
    "Тюмень": "72",
    "Тольятти": "63",
    "Ижевск": "18",
    "Барнаул": "22",
    "Ульяновск": "73",
    "Иркутск": "38",
    "Хабаровск": "27",
    "Ярославль": "76",
    "Владивосток": "25",
    "Махачкала": "05",
    "Томск": "70",
    "Оренбург": "56",
    "Кемерово": "42",
    "Новокузнецк": "42",
    "Рязань": "62",
    "Астрахань": "30",
    "Набережные Челны": "16",
    "Пенза": "58",
    "Липецк": "48",
    "Киров": "43",
    "Чебоксары": "21",
    "Тула": "71",
    "Калининград": "39",
    "Курск": "46",
    "Ставрополь": "26",
    "Улан-Удэ": "03",
    "Сочи": "23",
    "Тверь": "69",
    "Магнитогорск": "74",
    "Иваново": "37",
    "Брянск": "32",
    "Белгород": "31",
    "Сургут": "86",
    "Владимир": "33",
    "Архангельск": "29",
    "Чита": "75",
    "Калуга": "40",
    "Смоленск": "67",
    "Курган": "45",
    "Череповец": "35",
    "Орёл": "57",
    "Саранск": "13",
    "Вологда": "35",
    "Владикавказ": "15",
    "Якутск": "14",
}
# «Ромашка филиал г. Казань», «ОП в г. Уфа», «Ромашка (обособленное подразделение Самара)»
_BRANCH_LABEL = re.compile(
    r"[\s,(\-]*\b(?:филиал|обособленное подразделение|оп|представительство)\b\.?"
    r"(?:\s+(?:в|во))?(?:\s+(?:г|гор|город)\b\.?)?\s*([^\W\d_][\w\- ]*?)?\)?\s*$",
    re.IGNORECASE,
)
_BRANCH_PREFIX = re.compile(r"^(?:филиал|обособленное подразделение|оп|представительство)\b\.?\s+(.+)$")
_ADDRESS_NOISE = re.compile(
    r"\b(?:г|гор|город|ул|улица|д|дом|пр|пр-т|проспект|кв|офис|оф|стр|корп|к|пом|россия|"
    r"обл|область|р-н|район)\b\.?|[^\w\s]"
)


def branch_label(name_key: str | None) -> tuple[str | None, str | None]:
    """(the name without a branch label, the label's city) for «ромашка филиал г казань» and
    «филиал ооо легион центр самара»."""
    return branch_parts(name_key)[:2]


def branch_parts(name_key: str | None) -> tuple[str | None, str | None, str | None]:
    """``branch_label`` and the legal form the label kept inside the name («янтарь оао филиал в г москва»)."""
    if not name_key:
        return name_key, None, None
    prefix = _BRANCH_PREFIX.match(name_key)
    if prefix:
        words = prefix.group(1).split()
        # the city at the end, longest first: «… санкт петербург», «… нижний новгород»
        k, city = next(
            ((k, c) for k in (3, 2, 1) if len(words) > k and (c := find_city(" ".join(words[-k:])))), (0, None)
        )
        core = " ".join(words[: len(words) - k])
    else:
        m = _BRANCH_LABEL.search(name_key)
        if not m or m.start() == 0:
            return name_key, None, None
        core = name_key[: m.start()].strip()
        city = find_city(m.group(1)) if m.group(1) else None
    rest = parse_company_name(core)  # «промтехсервис ао (филиал спб)»: the form is left over
    return rest.match_key or core, city.name if city else None, rest.legal_form


def place_key(city: str | None, address: str | None, phones: tuple = ()) -> str | None:
    """Where a company is: the city column, else the address, else a landline's area code.

    Known cities get one spelling («г Москва», «Москва», «Н. Новгород» → the table's name);
    an unknown one is kept as written.
    """
    known = (
        find_city(city)
        or find_city(address)
        or next((c for p in phones if p.kind == "fixed" and (c := city_of_number(p.e164))), None)
    )
    if known is not None:
        return known.name
    return " ".join(city.replace("г.", " ").split()) or None if city else None


def _office(kpp: str | None, label_city: str | None, name_key: str | None) -> str | None:
    """head | branch | None: what the KPP's reason code or a «филиал / ОП» label says the record is."""
    if kpp:
        return "head" if kpp[4:6] == "01" else "branch"
    if label_city or (name_key and branch_label(name_key)[0] != name_key):
        return "branch"
    return None


def _address_key(address: str | None) -> str | None:
    if not address:
        return None
    key = " ".join(_ADDRESS_NOISE.sub(" ", fold(address)).split())
    return key or None


def _matrix(values: list[list], slots: int, flag_of, prior_u: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, tf, flag) matrices (records × slots) of multi-valued features; id 0 = empty slot."""
    n = len(values)
    flat = [v for vs in values for v in vs[:slots]]
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object)) if flat else (np.empty(0, dtype=np.int64), [])
    counts = np.bincount(codes, minlength=len(uniques)) if len(flat) else np.empty(0)
    tf_of_code = smoothed_tf(counts, len(flat), prior_u)  # once per distinct value
    ids = np.zeros((n, slots), dtype=np.int32)  # indexed by every candidate pair: half the bytes of int64
    tf = np.ones((n, slots))
    flag = np.zeros((n, slots), dtype=bool)
    k = 0
    for i, vs in enumerate(values):
        for j, v in enumerate(vs[:slots]):
            ids[i, j] = codes[k] + 1
            tf[i, j] = tf_of_code[codes[k]]
            flag[i, j] = flag_of(v)
            k += 1
    return ids, tf, flag


def _record_phones(phones: Iterable) -> list[tuple[str, str]]:
    """(E.164, kind) of a record's phones that have a number, in number order."""
    return sorted({(p.e164, p.kind) for p in phones if p.e164})


def _record_emails(emails: Iterable) -> list[str]:
    return sorted({e.email for e in emails if e.email})


def _phone_channel(guard: _Guard, frame: pd.DataFrame) -> tuple[list[list[str]], dict[str, str]]:
    per_record = guard.each(_record_phones, "phone", frame["phones"], neutral=[])
    kinds = {e164: kind for pairs in per_record for e164, kind in pairs}
    return [[e164 for e164, _ in pairs] for pairs in per_record], kinds


def is_role_mailbox(email: str) -> bool:
    return email.split("@", 1)[0] in ROLE_MAILBOXES


def _domain(website: str | None, emails: list[str]) -> str | None:
    """The company's own domain: of its website, else of a personal address off free mail
    (``info@`` / ``reception@`` of a business centre is shared by its tenants: not a domain of theirs)."""
    if website:
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", website.strip().lower()).split("/")[0]
        if "." in host:
            return host
    own = sorted({e.split("@", 1)[1] for e in emails if not is_role_mailbox(e)} - FREE_MAIL)
    return own[0] if own else None


def _channels(features: dict, phones: list[list[str]], kinds: dict[str, str], emails: list[list[str]]) -> None:
    features["phone"], features["phone_tf"], features["phone_flag"] = _matrix(
        phones, PHONE_SLOTS, lambda p: kinds.get(p) == "mobile", CHANNEL_PRIOR_U
    )
    features["email"], features["email_tf"], features["email_flag"] = _matrix(
        emails, EMAIL_SLOTS, is_role_mailbox, CHANNEL_PRIOR_U
    )
    features["phone_values"], features["email_values"] = phones, emails


def _tf(features: dict, name: str, prior_u: float) -> None:
    features[f"{name}_tf"] = value_tf(list(features[name]), prior_u)


def _text_or_none(value: object) -> str | None:
    """A value the features pass on as it is: text, or None for anything else (NaN, a number, a list)."""
    return value if isinstance(value, str) and value else None


class _Guard:
    """Per-record feature computations, each value under its own guard.

    ``each(fn, field, *columns)`` is ``[fn(*row) for row in zip(*columns)]``, except that a row
    ``fn`` raises on gets ``neutral`` and its record a warning (the first per field) in
    :attr:`issues`, showing the row's value of the first column (the field's): one odd value
    costs that record that feature, nothing more.
    """

    def __init__(self) -> None:
        self.issues: dict[int, dict[str, str]] = {}  # record → field → warning

    def each(self, fn: Callable[..., Any], field: str, *columns: Iterable, neutral: Any = None) -> list:
        out = []
        for i, args in enumerate(zip(*columns)):
            try:
                out.append(fn(*args))
            except Exception as exc:  # noqa: BLE001 — any failure on one value is that record's problem only
                out.append(neutral)
                warning = text("bad_input.feature_failed", error=failure(exc))
                shown = text("normalise.warning", field=field_label(field), value=_Shown(args[0]), issue=warning)
                self.issues.setdefault(i, {}).setdefault(field, shown)
        return out

    def per_record(self, n: int) -> list[list[str]]:
        """The warnings of each of ``n`` records (mostly empty lists)."""
        return [list(self.issues.get(i, {}).values()) for i in range(n)]


class _Shown:
    """A value as a warning quotes it: its repr, cut to 80 characters."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        shown = repr(self.value)
        return shown if len(shown) <= 80 else shown[:77] + "..."


def with_feature_issues(frame: pd.DataFrame, features: dict[str, object]) -> pd.DataFrame:
    """``frame`` with the features' warnings added to each record's ``_issues`` (the frame itself when none)."""
    issues = features["issues"]
    if not any(issues):
        return frame
    before = frame[ISSUES] if ISSUES in frame.columns else [[] for _ in range(len(frame))]
    return frame.assign(**{ISSUES: [list(a or []) + b for a, b in zip(before, issues)]})


def _obj(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _kind(company_type: object) -> str | None:
    return "legal" if company_type == "legal" else "person" if _text_or_none(company_type) else None


def _person(key: str | None, kind: str | None) -> list[str]:
    """An entrepreneur's or private person's name key as (last, first[, middle]); [] for anything else."""
    words = key.split() if kind == "person" and key else []
    return words if 2 <= len(words) <= 3 else []


def _inn_region(inn: str | None) -> int:
    return int(inn[:2]) if inn else 0


def _tax_region(inn: str | None, kpp: str | None, office: str | None) -> int:
    """The region the record is registered in for tax: its KPP's (a branch is registered where it works),
    else its INN's — unless it says it is a branch, whose INN is the head office's, wherever that is.
    0: unknown (and for KPPs of the inter-regional offices for the largest taxpayers, code 99)."""
    if kpp:
        return int(kpp[:2]) if kpp[:2] != "99" else 0
    return _inn_region(inn) if office != "branch" else 0


def _city_region(place: str | None) -> int:
    return int(_REGIONS.get(place, 0)) if place else 0


# Legal forms that one company may be written with: the 2014 reform renamed ЗАО/ОАО to АО/ПАО, and a
# Latin name comes with LLC or JSC. Any other difference (ООО / АО, МУП / ООО) says: another company.
_FORM_FAMILIES = {
    **dict.fromkeys(("ООО", "ТОО", "LLC", "LLP", "Ltd", "GmbH"), "ООО"),
    **dict.fromkeys(("АО", "ЗАО", "ОАО", "ПАО", "НАО", "JSC", "PLC", "Inc", "Corp", "AG"), "АО"),
}


def _form_family(form: str | None) -> str | None:
    return _FORM_FAMILIES.get(form, form) if form else None


def _numbers(key: str | None) -> str | None:
    return "".join(re.findall(r"\d+", key)) if key else None


def contact_people(companies: pd.DataFrame, contacts: pd.DataFrame | None) -> list[list[str]]:
    """Per company record, who its contact records are: «surname first-name», their mobiles and
    personal e-mails — two records of one company share the people who work there.

    Only contacts tied to their company by the row, a key, an INN or their own reference (a company
    made from what the contact says) count: a company found by its name alone may be one of several
    namesakes, and would make them look alike."""
    own: dict[tuple, set[str]] = {}
    if contacts is not None and len(contacts):
        guard = _Guard()
        last, first = (guard.each(_part, f, contacts[f]) for f in ("last_name", "first_name"))
        phones, kinds = _phone_channel(guard, contacts)
        emails = guard.each(_record_emails, "email", contacts["emails"], neutral=[])
        none = [None] * len(contacts)
        tied = [
            isinstance(row, tuple) or bool(key) or bool(inn) or (isinstance(ref, tuple) and ref[0] == source)
            for row, key, inn, ref, source in zip(
                *(contacts[c] if c in contacts else none for c in (REF_ROW, REF_KEY, REF_INN)),
                contacts[COMPANY_RECORD],
                contacts[SOURCE],
            )
        ]
        for ref, ok, surname, name, ps, es in zip(contacts[COMPANY_RECORD], tied, last, first, phones, emails):
            if not (ok and isinstance(ref, tuple)):
                continue
            tokens = own.setdefault(ref, set())
            if surname and name and len(name) > 1:
                tokens.add(f"{surname} {name}".replace("ё", "е"))
            tokens.update(p for p in ps if kinds.get(p) == "mobile")
            tokens.update(e for e in es if not is_role_mailbox(e))
    return [sorted(own.get(r, ())) for r in zip(companies[SOURCE], companies[SOURCE_KEY])]


def company_features(frame: pd.DataFrame, staff: list[list[str]] | None = None) -> dict[str, object]:
    """Per company record: name keys, identifiers, kind, place, address, phones, e-mails, domain and
    (``staff``, from ``contact_people``) its contact persons."""
    guard = _Guard()
    name_keys = guard.each(_text_or_none, "name", frame["name_key"])
    labelled = guard.each(branch_parts, "name", name_keys, neutral=(None, None, None))
    keys = [key for key, _, _ in labelled]
    branch_cities = [city for _, city, _ in labelled]
    cities, addresses, websites = (
        guard.each(_text_or_none, field, frame[field]) for field in ("city", "address", "website")
    )
    places = guard.each(
        lambda c, label, a, p: label or place_key(c, a, p), "city", cities, branch_cities, addresses, frame["phones"]
    )
    kinds = guard.each(_kind, "type", frame["type"])
    written = guard.each(_text_or_none, "name", frame["legal_form"]) if "legal_form" in frame else [None] * len(frame)
    forms = [form or inside for form, (_, _, inside) in zip(written, labelled)]
    people = guard.each(_person, "name", keys, kinds, neutral=[])
    inn, kpp, ogrn = (guard.each(_text_or_none, field, frame[field]) for field in ("inn", "kpp", "ogrn"))
    phones, phone_kinds = _phone_channel(guard, frame)
    emails = guard.each(_record_emails, "email", frame["emails"], neutral=[])
    offices = guard.each(_office, "kpp", kpp, branch_cities, name_keys)
    features: dict[str, object] = {
        "key": _obj(keys),
        "tkey": _obj(guard.each(translit_key, "name", keys)),
        "inn": _obj(inn),
        "kpp": _obj(kpp),
        "ogrn": _obj(ogrn),
        "kind": _obj(kinds),
        "form": _obj(forms),
        "form_family": _obj([_form_family(f) for f in forms]),
        "place": _obj(guard.each(lambda p: fold(p) if p else None, "city", places)),
        "address": _obj(guard.each(_address_key, "address", addresses)),
        # region codes as numbers (0: unknown), so that comparing them is integer arithmetic
        "inn_region": np.array(guard.each(_inn_region, "inn", inn, neutral=0), dtype=np.int64),
        "tax_region": np.array(guard.each(_tax_region, "kpp", inn, kpp, offices, neutral=0), dtype=np.int64),
        "city_region": np.array(guard.each(_city_region, "city", places, neutral=0), dtype=np.int64),
        "domain": _obj(guard.each(_domain, "website", websites, emails)),
        "person_last": _obj([p[0] if p else None for p in people]),
        "person_first": _obj([p[1] if p else None for p in people]),
        "person_middle": _obj([p[2] if len(p) > 2 else None for p in people]),
        "numbers": _obj(guard.each(_numbers, "name", keys)),
        "office": _obj(offices),
        "places_display": list(places),
    }
    _channels(features, phones, phone_kinds, emails)
    staff = staff if staff is not None else [[] for _ in range(len(frame))]
    features["person"], features["person_tf"], features["person_flag"] = _matrix(
        staff, PERSON_SLOTS, lambda _: False, CHANNEL_PRIOR_U
    )
    features["person_values"] = staff
    for name, prior in COMPANY_TF:
        _tf(features, name, prior)
    features["name_rivals"] = name_rivals(keys, list(features["place"]), inn)
    features["first"] = features["person_first"]
    features["middle"] = features["person_middle"]
    features["issues"] = guard.per_record(len(frame))
    return features


def name_rivals(keys: list[str | None], places: list[str | None], inns: list[str | None]) -> np.ndarray:
    """Per company record: how many different INNs the records of its name carry in its city (in any
    city when it names none). Two or more: the name alone cannot say which of them an INN-less
    «Гарант» of that city is — however rare the name is elsewhere."""
    frame = pd.DataFrame({"key": keys, "place": places, "inn": inns})
    known = frame.dropna(subset=["key", "inn"])
    here = known.dropna(subset=["place"]).groupby(["key", "place"])["inn"].nunique()
    anywhere = known.groupby("key")["inn"].nunique()
    placed = pd.MultiIndex.from_arrays([frame["key"], frame["place"]])
    out = np.where(
        frame["place"].notna(),
        here.reindex(placed).to_numpy(),
        anywhere.reindex(frame["key"]).to_numpy(),
    )
    return np.nan_to_num(out.astype(float)).astype(np.int64)


def _part(value: str | None) -> str | None:
    return fold(value).replace(".", "").strip() or None if value else None


def contact_features(
    frame: pd.DataFrame, companies: list[int | None], company_keys: list[str | None] | None = None
) -> dict[str, object]:
    """Per contact record: name parts (and their transliteration), gender, company cluster and name,
    phones, e-mails."""
    guard = _Guard()
    last, first, middle = (
        guard.each(_part, field, frame[field]) for field in ("last_name", "first_name", "middle_name")
    )
    phones, phone_kinds = _phone_channel(guard, frame)
    features: dict[str, object] = {
        "last": _obj(last),
        "first": _obj(first),
        "middle": _obj(middle),
        "tlast": _obj(guard.each(translit_key, "last_name", last)),
        "tfirst": _obj(guard.each(translit_key, "first_name", first)),
        "tmiddle": _obj(guard.each(translit_key, "middle_name", middle)),
        "gender": _obj(
            guard.each(person_gender, "gender", guard.each(_text_or_none, "gender", frame["gender"]), first, last)
        ),
        "company": np.array([c + 1 if c is not None else 0 for c in companies], dtype=np.int64),
        "company_key": _obj([branch_label(k)[0] if k else None for k in company_keys or [None] * len(frame)]),
        "key": _obj(guard.each(_text_or_none, "name", frame["name_key"])),
    }
    _channels(features, phones, phone_kinds, guard.each(_record_emails, "email", frame["emails"], neutral=[]))
    for name, prior in CONTACT_TF:
        _tf(features, name, prior)
    features["company_tf"] = value_tf([c or None for c in features["company"].tolist()], 1e-4)
    features["company_key_tf"] = _name_tf(list(features["company_key"]), companies, 1e-3)
    features["fits_several"] = _fits_several(features)
    features["listed"] = _listed(frame, last, first, middle)
    features["issues"] = guard.per_record(len(frame))
    return features


def _listed(frame: pd.DataFrame, last: list, first: list, middle: list) -> np.ndarray:
    """Per contact record its source lists under one of the source's own company records (a row of a mixed
    sheet, a 1C counterparty's contact person): {that company record: the name}; else None.

    One source listing two people apart under one company means two people — «Рябова А. Л.» beside
    «Рябова Анастасия Леонидовна» on one company's rows is her colleague Анна, whatever the office line
    says — unless the names are one person's (a contact entered twice): the rule ``listed`` (``rules.py``)."""
    if COMPANY_RECORD not in frame:  # before validation (a sync looking for partners): not resolved yet
        return _obj([None] * len(frame))
    out = []
    for src, ref, *name in zip(frame[SOURCE], frame[COMPANY_RECORD], last, first, middle):
        own = isinstance(ref, tuple) and ref[0] == src and not str(ref[1]).startswith(CREATED_KEY_PREFIX)
        out.append({ref: tuple(name)} if own else None)
    return _obj(out)


def _fits_several(features: dict) -> np.ndarray:
    """Per contact record: whether its name, incomplete (an initial for the first name, or no surname),
    fits two people of its company whose full names say they are different — «Акимов А.Д.» where
    Андрей and Алексей Дмитриевич Акимовы both work: an initial that fits both says neither."""
    last, first, middle, company = (features[f] for f in ("last", "first", "middle", "company"))
    staff: dict[int, list[int]] = {}
    for i, c in enumerate(company.tolist()):
        if c and first[i]:
            staff.setdefault(c, []).append(i)
    out = np.zeros(len(company), dtype=bool)
    for members in staff.values():
        named = [j for j in members if last[j] and len(first[j]) > 1]
        for i in members:
            if last[i] and len(first[i]) > 1:
                continue
            fits = [j for j in named if _fits(i, j, last, first, middle)]
            out[i] = any(_differ(x, y, first, middle) for k, x in enumerate(fits) for y in fits[k + 1 :])
    return out


def _fits(i: int, j: int, last, first, middle) -> bool:
    """Whether full-named record ``j`` may be the person incompletely named by record ``i``."""
    return (not last[i] or last[i] == last[j]) and not _differ(i, j, first, middle)


def _differ(x: int, y: int, first, middle) -> bool:
    """Whether two records' first names or patronymics cannot be one person's."""
    return name_clash(first[x], first[y]) or bool(middle[x] and middle[y] and name_clash(middle[x], middle[y]))


def _name_tf(names: list[str | None], companies: list[int | None], prior_u: float) -> np.ndarray:
    """Per contact record: how common its company's name is among the companies (a company counted once,
    however many of its people are listed) — a shared «Ромашка» says little, a rare name a lot."""
    distinct = {(name, company) for name, company in zip(names, companies) if name is not None}
    keys = [name for name, _ in sorted(distinct, key=repr)]
    counts = dict(zip(keys, value_tf(keys, prior_u)))
    return np.array([counts[name] if name is not None else 1.0 for name in names])
