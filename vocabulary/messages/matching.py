"""Texts of matching: why two records are one, or why a person must decide."""

from vocabulary.messages._tables import entries

_FIELDS = {
    "name": ("название", "name"),
    "inn": ("ИНН", "INN"),
    "kpp": ("КПП", "KPP"),
    "ogrn": ("ОГРН", "OGRN"),
    "phone": ("телефон", "phone"),
    "email": ("e-mail", "e-mail"),
    "form": ("организационно-правовая форма", "legal form"),
    "domain": ("домен сайта/почты", "web/mail domain"),
    "city": ("город", "city"),
    "address": ("адрес", "address"),
    "inn_region": ("регион ИНН и город", "INN region vs city"),
    "last_name": ("фамилия", "surname"),
    "first_name": ("имя", "first name"),
    "middle_name": ("отчество", "patronymic"),
    "company": ("компания", "company"),
    "people": ("контактное лицо", "contact person"),
}
_LEVELS = {
    "exact": ("совпадает", "same"),
    "equal": ("совпадает", "same"),
    "translit": ("то же латиницей/кириллицей", "same in the other script"),
    "initials": ("совпадают инициалы", "initials agree"),
    "related": ("та же по сути (ЗАО → АО, LLC → ООО)", "of one kind (ЗАО → АО, LLC → ООО)"),
    "similar_95": ("почти совпадает", "nearly the same"),
    "similar_90": ("похож", "similar"),
    "similar_88": ("похоже", "similar"),
    "similar_80": ("отдалённо похоже", "somewhat similar"),
    "different": ("различается", "differs"),
    "typo": ("отличается одной опечаткой", "one typo apart"),
    "initial": ("инициал совпадает", "initial agrees"),
    "shared_mobile": ("общий мобильный", "shared mobile"),
    "shared_landline": ("общий городской", "shared landline"),
    "shared_personal": ("общий личный адрес", "shared personal address"),
    "shared_person": ("общее", "the same"),
    "same_name": ("другая запись компании с тем же названием", "another record of a company with the same name"),
    "alike_name": (
        "другая запись компании с похожим названием (опечатка)",
        "another record of a company with an alike name (a typo)",
    ),
    "shared_role": ("общий ящик вроде info@", "shared role mailbox like info@"),
}
_RULES = {
    "inn": ("разные ИНН", "different INNs"),
    "kpp": ("тот же ИНН, другой КПП: филиал", "same INN, other KPP: a branch"),
    "ogrn": ("разные ОГРН", "different OGRNs"),
    "office": ("головной офис и филиал", "a head office and a branch"),
    "kind": ("ИП и юрлицо", "an entrepreneur and a legal entity"),
    "first": ("разные имена", "different first names"),
    "middle": ("разные отчества", "different patronymics"),
    "gender": ("разный пол", "opposite genders"),
    "listed": (
        "источник перечисляет их отдельно у одной компании под разными именами: коллеги?",
        "one source lists them apart at one company under different names: colleagues?",
    ),
    "decision": ("эксперт решил: разные", "a reviewer decided: different"),
    "bridge": (
        "запись только с фамилией или только с именем связала бы двух людей",
        "a record with only a surname or only a first name would join two people",
    ),
}

MESSAGES = {
    **entries("matching.field", _FIELDS),
    **entries("matching.level", _LEVELS),
    **entries("matching.rule", _RULES),
    "matching.probability": {"ru": "вероятность {p}%", "en": "probability {p}%"},
    "matching.term": {"ru": "{field} {level}{values} ({weight})", "en": "{field} {level}{values} ({weight})"},
    "matching.decided_same": {"ru": "эксперт решил: одно и то же", "en": "a reviewer decided: same"},
    "matching.kept_together": {
        "ru": "уже были одной записью в CRM; новые данные этому не противоречат",
        "en": "already one CRM record; the new data do not contradict it",
    },
    "matching.split": {
        "ru": "{entity} {left} и {right} были одной записью в CRM, теперь разделены — {rule}",
        "en": "{entity} {left} and {right} were one CRM record and are split now — {rule}",
    },
    "matching.refused": {"ru": "не объединено автоматически: {rule}", "en": "not merged automatically: {rule}"},
    "matching.ambiguous": {
        "ru": "подходит к нескольким разным записям — выберите",
        "en": "fits several different records — choose",
    },
    "matching.sibling": {
        "ru": "названия различаются числом или коротким словом: родственная компания?",
        "en": "names differ by a number or a short word: a sister company?",
    },
    "matching.names_differ": {
        "ru": "названия различаются: общий телефон/почта или переименование?",
        "en": "names differ: a shared number or mailbox, or a renamed company?",
    },
    "matching.namesake": {
        "ru": "то же ФИО в другой компании: перешёл или тёзка?",
        "en": "same full name at another company: one person who moved, or a namesake?",
    },
    "matching.other_form": {
        "ru": "разные организационно-правовые формы: другое юрлицо или ошибка в записи?",
        "en": "different legal forms: another legal person, or a slip?",
    },
    "matching.other_office": {
        "ru": "тот же ИНН в другом городе без общего КПП: филиал или головной офис?",
        "en": "the same INN in another city with no KPP in common: a branch or the head office?",
    },
    "matching.crowded_name": {
        "ru": "это название носят {count} компаний с разными ИНН в этом городе: которая из них?",
        "en": "{count} companies with different INNs bear this name in this city: which one is it?",
    },
    "matching.branch_label": {
        "ru": "одна запись помечена как филиал/ОП, другая нет",
        "en": "one record is labelled a branch, the other is not",
    },
    "matching.already_merged": {
        "ru": "уже объединено автоматически (напишите different, чтобы разъединить)",
        "en": "already merged automatically (write different to split)",
    },
    "matching.uncorroborated": {"ru": "кроме имени ничего не совпадает", "en": "nothing but the name agrees"},
    "matching.ignored_decision": {
        "ru": "{entity} {left} = {right}: решение «same» не применено — {rule}",
        "en": "{entity} {left} = {right}: the 'same' decision was not applied — {rule}",
    },
    "matching.oversized_block": {
        "ru": "{rule}: {blocks} слишком больших блоков ({records} записей) сравнены методом соседей",
        "en": "{rule}: {blocks} oversized blocks ({records} records) compared by sorted neighbourhood",
    },
}
