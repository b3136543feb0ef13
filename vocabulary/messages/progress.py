"""Progress lines of long runs."""

MESSAGES = {
    "progress.started": {"ru": "{stage}: начато", "en": "{stage}: started"},
    "progress.done": {"ru": "готово", "en": "done"},
    "progress.extract": {"ru": "чтение {source}", "en": "extract {source}"},
    "progress.normalise": {"ru": "нормализация", "en": "normalise"},
    "progress.validate": {"ru": "проверка", "en": "validate"},
    "progress.match": {"ru": "поиск дублей", "en": "match"},
    "progress.golden": {"ru": "эталонные записи", "en": "golden records"},
    "progress.load": {"ru": "загрузка в CRM", "en": "load into the CRM"},
    "progress.records": {"ru": "записей: {n}", "en": "{n} records"},
    "progress.companies_contacts": {
        "ru": "компаний {companies}, контактов {contacts}",
        "en": "{companies} companies, {contacts} contacts",
    },
}
