"""The canonical fields (DESIGN §4) as a reason or a warning names them: «ИНН '…': …», «название: пусто».

English keeps the field's own name, as a config's ``columns:`` spells it.
"""

from vocabulary.messages._tables import entries

_FIELDS = {
    "name": ("название", "name"),
    "legal_name": ("полное наименование", "legal_name"),
    "inn": ("ИНН", "inn"),
    "kpp": ("КПП", "kpp"),
    "ogrn": ("ОГРН", "ogrn"),
    "type": ("тип", "type"),
    "phone": ("телефон", "phone"),
    "email": ("e-mail", "email"),
    "address": ("адрес", "address"),
    "city": ("город", "city"),
    "website": ("сайт", "website"),
    "manager": ("ответственный", "manager"),
    "note": ("примечание", "note"),
    "key": ("код", "key"),
    "full_name": ("ФИО", "full_name"),
    "last_name": ("фамилия", "last_name"),
    "first_name": ("имя", "first_name"),
    "middle_name": ("отчество", "middle_name"),
    "position": ("должность", "position"),
}

MESSAGES = entries("field", _FIELDS)
