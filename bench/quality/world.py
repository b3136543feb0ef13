"""The real world behind the quality benchmark: true companies and the people who work there.

Nothing here is a record yet — ``generate.py`` renders these facts into the files a client has.
The world is built to be as nasty as real client bases:

* company names follow a Zipf law over common names («Ромашка», «Альфа», «Вертикаль»): the same
  name many times, also in one city, each time with another INN;
* branches share the head office's INN with their own KPP (and often their own city);
* an entrepreneur and an ООО of the same surname in one city («ИП Петров И. С.» / ООО «Петров»);
* Latin names also written in Cyrillic elsewhere («Ladoga Trade» / «Ладога Трейд»);
* siblings: «Вертикаль Трейд» / «Вертикаль Трейд+», «Клиент 16» / «Клиент 17», often sharing the
  holding's phone;
* business centres: a switchboard number and an ``info@`` mailbox shared by unrelated tenants;
* people: namesakes at other companies, colleagues with one surname and one first initial
  (Андрей / Алексей Ивановы), a freelance accountant working for two companies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.bench_matching import (
    _CITIES,
    _CITY_INFO,
    _FEMALE_NAMES,
    _FORMS,
    _MALE_NAMES,
    _PATRONYMICS,
    _SURNAMES,
    _WORDS,
    _legal_name,
    _Registry,
    _translit,
    _weighted,
)

# Common names by rank: the weight of rank k is 1 / k ** ZIPF_EXPONENT.
COMMON_NAMES = (
    "Ромашка",
    "Альфа",
    "Вертикаль",
    "Вектор",
    "Гарант",
    "Лидер",
    "Прогресс",
    "Меридиан",
    "Стандарт",
    "Орион",
    "Сфера",
    "Импульс",
    "Партнёр",
    "Восток",
    "Капитал",
    "Спектр",
    "Феникс",
    "Олимп",
    "Радуга",
    "Континент",
    "Альянс",
    "Магистраль",
    "Стимул",
    "Эталон",
    "Горизонт",
    "Форвард",
    "Атлант",
    "Гранит",
    "Квант",
    "Базис",
    "Аврора",
    "Кристалл",
    "Сириус",
    "Титан",
    "Янтарь",
    "Полюс",
    "Маяк",
    "Союз",
    "Заря",
    "Легион",
)
ZIPF_EXPONENT = 1.1
COMMON_SHARE = 0.4  # of the legal entities that are not otherwise planted
COMMON_TAILS = ("Трейд", "Строй", "Сервис", "Групп", "Плюс", "Логистик", "Снаб", "Проект", "Центр", "Инвест")
POSITIONS = (
    "Директор",
    "Генеральный директор",
    "Главный бухгалтер",
    "Бухгалтер",
    "Менеджер по закупкам",
    "Начальник отдела снабжения",
    "Инженер",
    "Секретарь",
    "Коммерческий директор",
    "Юрист",
    "Заместитель директора",
    "Логист",
    "Снабженец",
    "Офис-менеджер",
)
FREE_MAIL = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru")
_MALE_SET = frozenset(_MALE_NAMES)


@dataclass
class Person:
    id: str
    last: str
    first: str
    middle: str
    female: bool
    mobile: str | None  # national significant number, 10 digits
    email: str | None
    position: str
    companies: list[str] = field(default_factory=list)  # ids; more than one for a freelancer
    trap: str = ""


@dataclass
class TrueCompany:
    id: str
    kind: str  # legal | entrepreneur
    form: str  # ООО, АО, ИП, ...
    name: str  # bare name, as on the certificate: «Вертикаль Трейд», «Петров Иван Сергеевич»
    city: str
    inn: str | None
    kpp: str | None
    ogrn: str | None
    phones: list[str]  # own numbers (national, 10 digits)
    emails: list[str]
    cyrillic: str | None = None  # the Cyrillic spelling of a Latin name
    parent: str | None = None  # head office of a branch
    trap: str = ""  # what it was planted as ("" for an ordinary company)
    centre: int | None = None  # business centre whose switchboard and mailbox it shares
    people: list[Person] = field(default_factory=list)


@dataclass
class BusinessCentre:
    city: str
    phone: str
    email: str


@dataclass
class World:
    companies: list[TrueCompany]
    people: list[Person]
    centres: list[BusinessCentre]

    def company(self, cid: str) -> TrueCompany:
        return self._by_id[cid]

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.companies}


def _ogrn(rng: random.Random, inn: str, entrepreneur: bool) -> str:
    year = f"{rng.randrange(2, 24):02d}"
    if entrepreneur:
        body = "3" + year + inn[:4] + "".join(rng.choices("0123456789", k=7))
        return body + str(int(body) % 13 % 10)
    body = "1" + year + inn[:4] + "".join(rng.choices("0123456789", k=5))
    return body + str(int(body) % 11 % 10)


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids = _Registry(rng)
        self.companies: list[TrueCompany] = []
        self.people: list[Person] = []
        self.centres: list[BusinessCentre] = []
        weights = [1 / (k + 1) ** ZIPF_EXPONENT for k in range(len(COMMON_NAMES))]
        self.common = list(zip(COMMON_NAMES, weights))

    # ------------------------------------------------------------ companies

    def city(self) -> str:
        return _weighted(self.rng, [(c, w) for c, w, _, _ in _CITIES])

    def add(
        self,
        kind: str,
        form: str,
        name: str,
        city: str,
        *,
        inn: str | None = "new",
        kpp: str | None = "new",
        cyrillic: str | None = None,
        parent: str | None = None,
        trap: str = "",
    ) -> TrueCompany:
        rng, region = self.rng, _CITY_INFO[city][0]
        entrepreneur = kind == "entrepreneur"
        if inn == "new":
            inn = self.ids.inn(region, entrepreneur) if rng.random() < 0.93 else None
        if kpp == "new":
            kpp = f"{region}{rng.randrange(1, 50):02d}01001" if inn and not entrepreneur else None
        phones = [self.ids.phone(city, mobile=entrepreneur or rng.random() < 0.2)]
        if rng.random() < 0.35:
            phones.append(self.ids.phone(city, mobile=rng.random() < 0.5))
        c = TrueCompany(
            f"C{len(self.companies) + 1:06d}",
            kind,
            form,
            name,
            city,
            inn,
            kpp,
            _ogrn(rng, inn, entrepreneur) if inn else None,
            phones,
            self.emails(kind, cyrillic or name, city),
            cyrillic,
            parent,
            trap,
        )
        self.companies.append(c)
        return c

    def emails(self, kind: str, name: str, city: str) -> list[str]:
        """A free-mail box (entrepreneurs, small firms) or a domain of the company's own with a role mailbox.

        Many companies share a common name, so the domain stem gets the suffixes real ones get.
        """
        rng = self.rng
        stem = _translit(name.split()[0] if kind == "entrepreneur" else name)[:20] or "firma"
        suffixes = ["", "-" + _translit(city)[:3], "-group", "-td", "-msk" if city == "Москва" else "-rf"]

        def pick() -> str:
            return stem + rng.choice([*suffixes, str(rng.randrange(1, 10 ** rng.randrange(1, 5)))])

        if kind == "entrepreneur" or rng.random() < 0.3:
            return [self.ids._fresh(lambda: f"{pick()}@{rng.choice(FREE_MAIL)}")]
        domain = self.ids._fresh(lambda: f"{pick()}.ru")
        return [
            f"{rng.choice(['info', 'office', 'sales', 'zakaz'])}@{domain}",
            f"{_translit(self.parts(False)[0])}@{domain}",
        ]

    def legal_name(self) -> tuple[str, str | None]:
        if self.rng.random() < COMMON_SHARE:
            name = _weighted(self.rng, self.common)
            return (name if self.rng.random() < 0.55 else f"{name} {self.rng.choice(COMMON_TAILS)}"), None
        return _legal_name(self.rng)

    def ordinary(self) -> TrueCompany:
        rng, city = self.rng, self.city()
        if rng.random() < 0.15:
            return self.add("entrepreneur", "ИП", self.full_name(rng.random() < 0.3), city)
        name, cyrillic = self.legal_name()
        return self.add("legal", _weighted(rng, _FORMS), name, city, cyrillic=cyrillic)

    def plant(self, c: TrueCompany) -> None:
        """Traps next to ``c``: each adds other true companies that look like it."""
        rng = self.rng
        r = rng.random()
        if c.kind == "entrepreneur":
            if r < 0.25:  # ООО of the same surname in the same city
                surname = c.name.split()[0]
                name = rng.choice([surname, f"{surname} и К", f"{surname} и партнёры", f"ТД {surname}"])
                self.add("legal", "ООО", name, c.city, trap="ООО of an entrepreneur's surname")
                c.trap = c.trap or "entrepreneur with an ООО of the surname"
            elif r < 0.35:  # namesake entrepreneur
                self.add(
                    "entrepreneur",
                    "ИП",
                    c.name,
                    c.city if rng.random() < 0.3 else self.city(),
                    trap="namesake entrepreneur",
                )
            return
        if r < 0.06 and c.inn:  # branches: the head office's INN, their own KPP
            c.trap = "head office"
            for n in range(rng.choice([1, 1, 2])):
                city = c.city if rng.random() < 0.15 else self.city()
                region = _CITY_INFO[city][0]
                kpp = f"{region}{rng.randrange(1, 50):02d}{rng.choice(['43', '45', '02'])}{n + 1:03d}"
                b = self.add(
                    "legal", c.form, c.name, city, inn=c.inn, kpp=kpp, cyrillic=c.cyrillic, parent=c.id, trap="branch"
                )
                b.ogrn = c.ogrn
        elif r < 0.09:  # siblings: «Вертикаль Трейд» / «Вертикаль Трейд+», «Клиент 16» / «Клиент 17»
            if rng.random() < 0.5:
                sibling = c.name + rng.choice(["+", " Плюс", "-2", "-М", " Про"])
            else:
                n = rng.randrange(2, 40)
                c.name, c.cyrillic = f"{c.name} {n}", None
                sibling = f"{c.name.rsplit(' ', 1)[0]} {n + 1}"
            s = self.add("legal", c.form, sibling, c.city, trap="sibling name")
            if rng.random() < 0.5:
                s.phones = [c.phones[0]]  # the holding's office line
        elif r < 0.11:  # sister company of the holding, sharing the office phone
            s = self.add("legal", c.form, f"{c.name.split()[0]} {rng.choice(_WORDS)}", c.city, trap="sister company")
            s.phones = [c.phones[0], *s.phones[1:]]

    def centres_for(self, n_companies: int) -> None:
        """Business centres: a switchboard and a shared mailbox, about one per 40 companies."""
        rng = self.rng
        for i in range(max(1, n_companies // 40)):
            city = self.city()
            stem = _translit(rng.choice(COMMON_NAMES))[:10]
            self.centres.append(
                BusinessCentre(
                    city,
                    self.ids.phone(city, mobile=False),
                    f"{rng.choice(['info', 'office', 'reception'])}@bc-{stem}{i}.ru",
                )
            )
        for c in self.companies:
            here = [i for i, b in enumerate(self.centres) if b.city == c.city]
            if here and rng.random() < 0.15:
                c.centre = rng.choice(here)

    # ------------------------------------------------------------ people

    def full_name(self, female: bool) -> str:
        last, first, middle = self.parts(female)
        return f"{last} {first} {middle}"

    def parts(self, female: bool) -> tuple[str, str, str]:
        rng = self.rng
        last = rng.choice(_SURNAMES)
        male_p, female_p = rng.choice(_PATRONYMICS)
        if not female:
            return last, rng.choice(_MALE_NAMES), male_p
        if last.endswith(("ов", "ев", "ёв", "ин")):
            last += "а"
        elif last.endswith("ский"):
            last = last[:-2] + "ая"
        return last, rng.choice(_FEMALE_NAMES), female_p

    def person(self, company: TrueCompany, parts: tuple[str, str, str] | None = None, trap: str = "") -> Person:
        rng = self.rng
        female = parts[1] not in _MALE_SET if parts else rng.random() < 0.45
        last, first, middle = parts or self.parts(female)
        mobile = self.ids.phone(company.city, mobile=True) if rng.random() < 0.8 else None
        domain = company.emails[0].split("@")[1]
        email = None
        if rng.random() < 0.75:
            local = rng.choice(
                [
                    f"{_translit(first)[0]}.{_translit(last)}",
                    _translit(last),
                    f"{_translit(first)}.{_translit(last)}",
                    f"{_translit(last)}{rng.randrange(1, 99)}",
                ]
            )
            own = domain not in FREE_MAIL and rng.random() < 0.6
            email = self.ids._fresh(
                lambda: (
                    f"{local}{rng.choice(['', '', str(rng.randrange(1, 99))])}@"
                    f"{domain if own else rng.choice(FREE_MAIL)}"
                )
            )
        p = Person(
            f"P{len(self.people) + 1:06d}",
            last,
            first,
            middle,
            female,
            mobile,
            email,
            rng.choice(POSITIONS),
            [company.id],
            trap,
        )
        self.people.append(p)
        company.people.append(p)
        return p

    def staff(self) -> None:
        rng = self.rng
        for c in self.companies:
            for _ in range(_weighted(rng, [(0, 22), (1, 35), (2, 25), (3, 12), (4, 6)])):
                self.person(c)
        for c in self.companies:
            if c.people and rng.random() < 0.05:  # Андрей and Алексей Ивановы in one office
                p = c.people[0]
                pool = _FEMALE_NAMES if p.female else _MALE_NAMES
                others = [n for n in pool if n[0] == p.first[0] and n != p.first]
                if others:
                    p.trap = "colleague with the same surname and initial"
                    self.person(c, (p.last, rng.choice(others), p.middle), trap=p.trap)
        for p in list(self.people):
            r = rng.random()
            if r < 0.03:  # a namesake at another company
                other = rng.choice(self.companies)
                if other.id not in p.companies:
                    self.person(other, (p.last, p.first, p.middle), trap="namesake")
            elif r < 0.05:  # a freelance accountant of two companies: one person
                other = rng.choice(self.companies)
                if other.id not in p.companies:
                    p.companies.append(other.id)
                    other.people.append(p)
                    p.trap = "works for two companies"


def build_world(n_companies: int, seed: int) -> World:
    """``n_companies`` true companies (branches and planted look-alikes included) and their staff."""
    b = _Builder(random.Random(seed))
    while len(b.companies) < n_companies:
        c = b.ordinary()
        if not c.trap:
            b.plant(c)
    del b.companies[n_companies:]
    kept = {c.id for c in b.companies}
    for c in b.companies:
        if c.parent not in kept:
            c.parent = None
    b.centres_for(n_companies)
    b.staff()
    return World(b.companies, b.people, b.centres)
