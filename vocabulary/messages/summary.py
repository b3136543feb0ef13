"""The run summary `run`, `sync` and `demo` print (DESIGN §5)."""

MESSAGES = {
    "summary.title": {
        "ru": "crm-migrate {name}: {dry}целевая база {target}, запуск {run_id}",
        "en": "crm-migrate {name}: {dry}target {target}, run {run_id}",
    },
    "summary.dry_run": {"ru": "ПРОБНЫЙ ЗАПУСК, ничего не записано — ", "en": "DRY RUN, nothing written — "},
    "summary.records_read": {"ru": "Прочитано записей:", "en": "Records read:"},
    "summary.source_line": {
        "ru": "  {source} {read:>7}   в карантине {quarantined}",
        "en": "  {source} {read:>7}   quarantined {quarantined}",
    },
    "summary.mapping": {
        "ru": "Сопоставление столбцов (скопируйте в columns:, чтобы исправить):",
        "en": "Column mapping (copy into columns: to fix it):",
    },
    "summary.table": {
        "ru": "{name}: строка заголовка {header_row}, {entity}; {fields}",
        "en": "{name}: header row {header_row}, {entity}; {fields}",
    },
    "summary.custom_fields": {"ru": "доп. поля", "en": "custom fields"},
    "summary.notes": {"ru": "Замечания:", "en": "Notes:"},
    "summary.more_notes": {
        "ru": "  {source}: … ещё {n} в метаданных актива извлечения (make ui)",
        "en": "  {source}: … {n} more in the extract asset's metadata (make ui)",
    },
    "summary.quarantined": {"ru": "В карантине: {n}", "en": "Quarantined: {n}"},
    "summary.quarantined_hint": {
        "ru": " (см. таблицу quarantine: в каждой строке указана причина)",
        "en": " (see the quarantine table: each row says why)",
    },
    "summary.companies": {"ru": "Компании:", "en": "Companies:"},
    "summary.contacts": {"ru": "Контакты:", "en": "Contacts:"},
    "summary.counts": {
        "ru": "создано {created}, обновлено {updated}, без изменений {unchanged}, объединено {merged}",
        "en": "{created} created, {updated} updated, {unchanged} unchanged, {merged} merged",
    },
    "summary.deleted": {"ru": ", удалено {n}", "en": ", {n} deleted"},
    "summary.review": {"ru": "Пар на проверку: {n}", "en": "Pairs sent to review: {n}"},
    "summary.review_hint": {
        "ru": " (crm-migrate review export --config {config} --out review.xlsx)",
        "en": " (crm-migrate review export --config {config} --out review.xlsx)",
    },
    "summary.no_change": {
        "ru": "В 1С ничего не изменилось с прошлой синхронизации ({sources}): загружать нечего.",
        "en": "No change in 1C since the last sync ({sources}): nothing to load.",
    },
    "summary.changed": {
        "ru": "Изменилось в 1С с прошлой синхронизации: {sources}",
        "en": "Changed in 1C since the last sync: {sources}",
    },
    "demo.database": {"ru": "База CRM: {target}", "en": "The CRM database: {target}"},
    "demo.again": {
        "ru": "Запустите `make demo` ещё раз: ничего не изменится (загрузка идемпотентна).",
        "en": "Run `make demo` again: nothing changes (idempotent load).",
    },
    "demo.report": {
        "ru": "Отчёт о качестве данных: .venv/bin/crm-migrate report {options} --out quality.xlsx",
        "en": "Data-quality workbook: .venv/bin/crm-migrate report {options} --out quality.xlsx",
    },
    "demo.review": {
        "ru": "Очередь проверки дублей: .venv/bin/crm-migrate review export {options} --out review.xlsx",
        "en": "Review queue:          .venv/bin/crm-migrate review export {options} --out review.xlsx",
    },
    "demo.ui": {
        "ru": "Интерфейс Dagster: `make ui`, затем http://127.0.0.1:3000",
        "en": "Open the Dagster UI: `make ui`, then http://127.0.0.1:3000",
    },
    "demo.ui_home": {"ru": " (запуски хранятся в {home})", "en": " (runs are stored in {home})"},
}
