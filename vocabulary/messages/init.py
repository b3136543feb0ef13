"""`crm-migrate init`: the comments of the migration.yaml it writes, and what it prints."""

MESSAGES = {
    "init.header": {
        "ru": (
            "Конфигурация миграции, созданная `crm-migrate init` по папке {folder} ({date}).\n"
            "Проверьте источники, тип записей (entity) и сопоставление столбцов (columns), затем:\n"
            "  crm-migrate run --config {config} --dry-run\n"
            "Пути — относительно этого файла."
        ),
        "en": (
            "Migration config written by `crm-migrate init` from the folder {folder} ({date}).\n"
            "Check the sources, their entity and the column mapping (columns), then:\n"
            "  crm-migrate run --config {config} --dry-run\n"
            "Paths are relative to this file."
        ),
    },
    "init.name": {"ru": "имя проекта миграции", "en": "migration project name"},
    "init.region": {
        "ru": "номера без кода страны считаем российскими",
        "en": "numbers without a country code are Russian",
    },
    "init.language": {
        "ru": "язык сообщений, отчёта и книги проверки: ru | en",
        "en": "language of messages, the report and the review workbook: ru | en",
    },
    "init.target": {
        "ru": "база CRM; PostgreSQL: postgresql+psycopg://user:${{PGPASSWORD}}@host/db",
        "en": "the CRM database; PostgreSQL: postgresql+psycopg://user:${{PGPASSWORD}}@host/db",
    },
    "init.sheet_source": {
        "ru": "{file}, лист «{sheet}»: заголовок в строке {header_row}, строк данных: {rows}",
        "en": "{file}, sheet '{sheet}': header on row {header_row}, {rows} data rows",
    },
    "init.csv_source": {
        "ru": "{file}: кодировка {encoding}, разделитель {delimiter}, заголовок в строке {header_row}, "
        "строк данных: {rows}",
        "en": "{file}: encoding {encoding}, delimiter {delimiter}, header on row {header_row}, {rows} data rows",
    },
    "init.onec_source": {
        "ru": "{file}: файл обмена 1С, контрагентов: {companies}, контактных лиц: {contacts}",
        "en": "{file}: 1C exchange file, {companies} counterparties, {contacts} contact persons",
    },
    "init.entity.companies": {"ru": "только компании", "en": "companies only"},
    "init.entity.contacts": {
        "ru": "только люди (компания — по названию, ИНН или ключу)",
        "en": "people only (their company by name, INN or key)",
    },
    "init.entity.mixed": {
        "ru": "строка = компания и её контактное лицо",
        "en": "a row = a company and its contact person",
    },
    "init.key": {"ru": "столбец со стабильным ключом записи", "en": "column holding a stable record key"},
    "init.no_key": {
        "ru": "стабильного ключа не найдено: запись = номер строки (укажите key:, если он есть)",
        "en": "no stable key found: a record is its row number (set key: if there is one)",
    },
    "init.columns": {
        "ru": "найдено по заголовкам; поправьте, если что-то не так",
        "en": "found from the headers; correct what is wrong",
    },
    "init.unmapped": {
        "ru": "без сопоставления (попадут в CRM как дополнительные поля): {columns}",
        "en": "not mapped (kept in the CRM as custom fields): {columns}",
    },
    "init.skipped_title": {"ru": "Пропущено:", "en": "Skipped:"},
    "init.skipped": {"ru": "  {file}: {reason}", "en": "  {file}: {reason}"},
    "init.not_client_file": {"ru": "не таблица и не выгрузка 1С", "en": "neither a table nor a 1C export"},
    "init.matching": {
        "ru": "пороги поиска дублей по умолчанию (см. README)",
        "en": "default duplicate thresholds (see README)",
    },
    "init.written": {
        "ru": "Записан {path}: источников {sources}, пропущено файлов {skipped}. Дальше: "
        "crm-migrate run --config {path} --dry-run",
        "en": "Wrote {path}: {sources} sources, {skipped} files skipped. Next: "
        "crm-migrate run --config {path} --dry-run",
    },
    "init.no_folder": {"ru": "{folder}: папка не найдена", "en": "{folder}: folder not found"},
    "init.nothing": {
        "ru": "{folder}: нет файлов клиентов (xlsx, xls, xlsb, ods, csv, xml 1С){skipped}",
        "en": "{folder}: no client files (xlsx, xls, xlsb, ods, csv, 1C xml){skipped}",
    },
    "init.exists": {
        "ru": "{path} уже есть: укажите другой --out или добавьте --force",
        "en": "{path} already exists: choose another --out or add --force",
    },
}
