"""What the Dagster UI says about the graph: descriptions of assets, checks, the job, the sensor and the schedule.

They are fixed when the definitions are built, in the language of the config they are built for.
"""

from vocabulary.messages._tables import entries

_ASSETS = {
    "extract": (
        "Записи источника '{source}' ({kind}) в канонических полях, с отклонёнными строками.",
        "Records of source '{source}' ({kind}) in canonical fields, with rejects.",
    ),
    "normalised": (
        "Записи всех источников: телефоны в E.164, e-mail, ФИО, названия и ИНН/КПП/ОГРН приведены к единому виду.",
        "All sources' records with phones in E.164, emails, ФИО, names and INN/KPP/OGRN normalised.",
    ),
    "validated": (
        "Записи, прошедшие проверки схем; контакты привязаны к своим компаниям.",
        "Records that pass the schemas, contacts attached to their company.",
    ),
    "quarantine": (
        "Записи, которые нельзя загрузить, каждая со своими причинами.",
        "Records that cannot be loaded, each with its reasons.",
    ),
    "matched": (
        "Записи источников, сгруппированные по реальным компаниям и людям, с причинами; сомнительные пары "
        "уходят на проверку.",
        "Source records grouped per real company and person, with reasons; uncertain pairs go to the review queue.",
    ),
    "golden": (
        "Одна эталонная запись на каждую реальную компанию и человека (выбор значений по полям).",
        "One golden record per real company and person (field survivorship).",
    ),
    "loaded": (
        "Эталонные записи, записанные в базу CRM через source_links, одной транзакцией.",
        "Golden records upserted into the CRM database via source_links, in one transaction.",
    ),
    "quality_report": (
        "Показатели качества по источникам (записи, карантин, доля верных телефонов и e-mail) и книга "
        "отчёта о качестве данных этого запуска, рядом с конфигурацией.",
        "Quality figures per source (counts, quarantine, phone/email validity) and the data-quality workbook "
        "of the run, next to the config.",
    ),
}

_CHECKS = {
    "schema_conformance": (
        "Каждая проверенная запись соответствует своей схеме pandera.",
        "Every validated record conforms to its pandera schema.",
    ),
    "phone_validity": (
        "Не меньше {share} номеров телефонов верны.",
        "At least {share} of phone numbers are valid.",
    ),
    "reconciliation_before_load": (
        "Перед загрузкой: каждая прочитанная запись — в эталонной записи или в карантине.",
        "Before the load: every record read is in a golden record or in quarantine.",
    ),
    "duplicate_identifiers": (
        "Нет двух эталонных компаний с одинаковыми ИНН и КПП (дубль, оставшийся после сопоставления, — на "
        "проверку; загрузку он не останавливает: одна сомнительная пара не должна задерживать миграцию).",
        "No two golden companies share INN and KPP (a duplicate the matching left behind, for review; it does "
        "not stop the load: one doubtful pair never blocks a migration).",
    ),
    "shared_emails": (
        "Нет двух эталонных контактов с одним личным e-mail (предупреждение: общий адрес офиса может быть "
        "общим намеренно).",
        "No two golden contacts share a personal e-mail (a warning: an office address may be shared on purpose).",
    ),
    "reconciliation": (
        "Каждая прочитанная запись источника связана в source_links или помещена в карантин в этом запуске.",
        "Every source record read is linked in source_links or quarantined in this run.",
    ),
}

_AUTOMATION = {
    "job": (
        "Вся миграция: чтение, очистка, сопоставление и загрузка.",
        "The whole migration: extract, clean, match and load.",
    ),
    "sensor": (
        "Запускает синхронизацию, когда источник 1С изменился с последней успешной синхронизации; неудавшаяся "
        "синхронизация запрашивается снова на следующем такте.",
        "Starts a sync when a 1C source changed since the last successful sync; a failed sync is asked again "
        "on the next tick.",
    ),
    "schedule": (
        "Полная синхронизация каждую ночь (migration.yaml, sync: cron, timezone), что бы ни увидел сенсор.",
        "A full sync every night (migration.yaml sync: cron, timezone), whatever the sensor saw.",
    ),
}


MESSAGES = {
    **entries("dagster.asset", _ASSETS),
    **entries("dagster.check", _CHECKS),
    **entries("dagster", _AUTOMATION),
    "dagster.sample_hidden": {"ru": "строк: {n} (просмотр отключён)", "en": "{n} rows (previews are off)"},
}
