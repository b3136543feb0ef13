"""A `run` that finds every input as the last load left it (pipelines.unchanged)."""

MESSAGES = {
    "rerun.unchanged": {
        "ru": "Ничего не изменилось с запуска {previous} ({when} UTC): те же источники, конфигурация, решения "
        "проверки и версия crm-migrate — ничего не прочитано и не записано; запуск {run} отмечен в "
        "migration_runs.",
        "en": "Nothing changed since run {previous} ({when} UTC): same sources, config, review decisions and "
        "crm-migrate version — nothing was read or written; run {run} is recorded in migration_runs.",
    },
    "rerun.as_loaded": {
        "ru": "Как загрузил тот запуск: прочитано записей {records}, в карантине {quarantined}, пар на проверке "
        "{review}",
        "en": "As that run loaded it: {records} records read, {quarantined} quarantined, {review} pairs awaiting "
        "review",
    },
    "rerun.entity": {
        "ru": "{label}: {unchanged} без изменений, {merged} объединено",
        "en": "{label}: {unchanged} unchanged, {merged} merged",
    },
    "rerun.companies": {"ru": "Компании", "en": "Companies"},
    "rerun.contacts": {"ru": "Контакты", "en": "Contacts"},
    "rerun.full": {
        "ru": "Чтобы пройти все этапы заново: crm-migrate run --full --config {config}",
        "en": "To run every stage anyway: crm-migrate run --full --config {config}",
    },
}
