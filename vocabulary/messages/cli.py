"""Result lines and usage errors of the CLI commands not covered by their own domain (review, sync)."""

MESSAGES = {
    "cli.review.exported": {
        "ru": "пар, ожидающих решения: {count}; записаны в {out} (лист 'review'); заполните столбец 'decision' "
        "словами same/different (или да/нет), затем: crm-migrate review import --config {config} {out}",
        "en": "{count} pairs awaiting a decision written to {out} (sheet 'review'); fill in column 'decision' "
        "with same/different, then: crm-migrate review import --config {config} {out}",
    },
    "cli.review.imported": {
        "ru": "решений прочитано из {file}: {read} (новых: {added}, изменённых: {changed}, без изменений: "
        "{unchanged}); сохранены в {target}. Они применятся при следующем `crm-migrate run --config {config}`.",
        "en": "{read} decisions read from {file}: {added} new, {changed} changed, {unchanged} unchanged; "
        "stored in {target}. They apply from the next `crm-migrate run --config {config}`.",
    },
    "cli.sync.not_onec": {
        "ru": "--source {name}: это источник вида {kind}; sync следит только за источниками 1С ({kinds}), "
        "для файлов используйте `crm-migrate run`",
        "en": "--source {name}: is a {kind} source; sync follows 1C sources ({kinds}), use `crm-migrate run` for files",
    },
    "cli.sync.no_onec": {
        "ru": "{config}: нет источника 1С (kind onec_odata или onec_xml), за которым мог бы следить sync; "
        "используйте `crm-migrate run`",
        "en": "{config}: no 1C source (kind onec_odata or onec_xml) to sync; use `crm-migrate run`",
    },
    # what the workbooks are written with (connectors.xlsx_writer)
    "cli.output.no_folder": {
        "ru": "не удаётся записать {path}: папки {folder} не существует",
        "en": "cannot write {path}: folder {folder} does not exist",
    },
    "cli.output.cannot_write": {
        "ru": "не удаётся записать {path}: {detail}",
        "en": "cannot write {path}: {detail}",
    },
    # crm-migrate --help, crm-migrate COMMAND --help (cli.main)
    "cli.help.description": {
        "ru": "Перенос и очистка данных клиента в базу CRM.",
        "en": "Migrate and cleanse client data into a CRM database.",
    },
    "cli.help.epilog": {
        "ru": "Справка по команде: crm-migrate КОМАНДА --help. "
        "По-английски: CRM_MIGRATE_LANGUAGE=en crm-migrate --help.",
        "en": "Help on a command: crm-migrate COMMAND --help. In Russian (the default): CRM_MIGRATE_LANGUAGE=ru.",
    },
    "cli.help.debug": {
        "ru": "показывать трассировку ошибок и журнал Dagster",
        "en": "show tracebacks and Dagster logs",
    },
    "cli.help.version": {
        "ru": "показать версию и выйти",
        "en": "show the version and exit",
    },
    "cli.help.quiet": {
        "ru": "без индикатора хода работы (ошибки выводятся всё равно)",
        "en": "no progress display (errors are still printed)",
    },
    "cli.help.config": {
        "ru": "файл настроек migration.yaml",
        "en": "the migration.yaml to use",
    },
    "cli.help.target": {
        "ru": "URL базы данных вместо target.url (пароль — через ${{ПЕРЕМЕННУЮ_ОКРУЖЕНИЯ}})",
        "en": "database URL overriding target.url (passwords: use ${{ENV_VAR}})",
    },
    "cli.help.json": {
        "ru": "вывести итог одним объектом JSON в stdout",
        "en": "print the summary as one JSON object on stdout",
    },
    "cli.help.wait": {
        "ru": "сколько секунд ждать другую команду crm-migrate на той же целевой базе (по умолчанию 60)",
        "en": "wait this long for another crm-migrate command on the same target (default 60)",
    },
    "cli.help.allow_deletes": {
        "ru": "помечать удалёнными даже больше max_delete_share записей источника",
        "en": "soft-delete even more than max_delete_share of a source's records",
    },
    "cli.help.run": {
        "ru": "извлечь, очистить, сопоставить и загрузить все источники из настроек",
        "en": "extract, clean, match and load every source of the config",
    },
    "cli.help.dry_run": {
        "ru": "посчитать тот же итог, ничего не записывая",
        "en": "compute the same summary, write nothing",
    },
    "cli.help.full": {
        "ru": "выполнить все этапы, даже если с прошлой загрузки не изменились ни источники, ни настройки, ни решения",
        "en": "run every stage even when no source, config or decision changed since the last load",
    },
    "cli.help.diff": {
        "ru": "вместе с --dry-run: изменения каждой записи в ФАЙЛ.xlsx",
        "en": "with --dry-run: every record's changes to FILE.xlsx",
    },
    "cli.help.sync": {
        "ru": "инкрементальная синхронизация: загрузить снова, если источник 1С изменился с прошлой синхронизации",
        "en": "incremental sync: load again when a 1C source changed since the last sync",
    },
    "cli.help.source": {
        "ru": "какой источник 1С проверять (по умолчанию все источники onec_odata и onec_xml)",
        "en": "the 1C source to check (default: every onec_odata/onec_xml source)",
    },
    "cli.help.review": {
        "ru": "очередь проверки сомнительных пар дублей в виде книги Excel",
        "en": "the review queue of uncertain duplicate pairs, as a workbook",
    },
    "cli.help.review_export": {
        "ru": "записать пары, ожидающие решения, в книгу Excel",
        "en": "write the pairs awaiting a decision to a workbook",
    },
    "cli.help.review_out": {
        "ru": "куда записать review.xlsx",
        "en": "review.xlsx to write",
    },
    "cli.help.review_all": {
        "ru": "добавить все автоматические объединения, чтобы любое можно было отменить решением 'different'",
        "en": "also list every automatic merge, so one can be undone with 'different'",
    },
    "cli.help.review_import": {
        "ru": "сохранить решения из заполненной книги проверки",
        "en": "store the decisions of a filled-in review workbook",
    },
    "cli.help.review_workbook": {
        "ru": "книга review.xlsx, заполненная проверяющим",
        "en": "the review.xlsx filled in by the reviewer",
    },
    "cli.help.reviewer": {
        "ru": "кто принимал решения (сохраняется с каждым решением)",
        "en": "who decided (kept with each decision)",
    },
    "cli.help.report": {
        "ru": "записать книгу качества данных последнего запуска",
        "en": "write the data-quality workbook of the last run",
    },
    "cli.help.report_out": {
        "ru": "куда записать quality.xlsx",
        "en": "quality.xlsx to write",
    },
    "cli.help.report_run": {
        "ru": "id запуска (по умолчанию последний успешный)",
        "en": "a run id (default: the last successful run)",
    },
    "cli.help.undo": {
        "ru": "вернуть записанное одним запуском к состоянию до этого запуска",
        "en": "restore what one run wrote as it was before that run",
    },
    "cli.help.undo_dry_run": {
        "ru": "показать, что сделает отмена, ничего не меняя",
        "en": "show what the undo would do, change nothing",
    },
    "cli.help.undo_run": {
        "ru": "id запуска, который напечатал `run` (или из листа runs отчёта `report`)",
        "en": "the run id printed by `run` (or listed by `report`)",
    },
    "cli.help.undo_force": {
        "ru": "отменить даже строки, которые потом изменили другие запуски или пользователи CRM",
        "en": "undo even rows later runs or CRM users changed since",
    },
    "cli.help.push": {
        "ru": "отправить эталонные записи в CRM из раздела crm: (Битрикс24 или amoCRM) через её REST API",
        "en": "send the golden records to the CRM of crm: (Bitrix24 or amoCRM) over its REST API",
    },
    "cli.help.push_dry_run": {
        "ru": "ничего не записывать в CRM, только показать, что было бы сделано",
        "en": "send no write; print what would be done",
    },
    "cli.help.export": {
        "ru": "записать эталонные записи файлами для импорта средствами самой CRM",
        "en": "write the golden records as files for the CRM's own importer",
    },
    "cli.help.export_format": {
        "ru": "для импорта какой CRM",
        "en": "whose importer",
    },
    "cli.help.export_out": {
        "ru": "папка для файлов",
        "en": "folder for the files",
    },
    "cli.help.init": {
        "ru": "создать migration.yaml с комментариями по папке файлов клиента",
        "en": "write a commented migration.yaml from a folder of client files",
    },
    "cli.help.init_folder": {
        "ru": "папка с файлами клиента (xlsx, xls, xlsb, ods, csv, xml из 1С)",
        "en": "the folder with the client's files (xlsx, xls, xlsb, ods, csv, 1C xml)",
    },
    "cli.help.init_out": {
        "ru": "какой файл настроек записать (по умолчанию ПАПКА/migration.yaml)",
        "en": "the config to write (default: FOLDER/migration.yaml)",
    },
    "cli.help.init_language": {
        "ru": "язык комментариев файла и сообщений запуска",
        "en": "language of its comments and of the run",
    },
    "cli.help.init_force": {
        "ru": "перезаписать --out, если такой файл уже есть",
        "en": "overwrite --out if it exists",
    },
    "cli.help.demo": {
        "ru": "прогнать пример данных клиента от начала до конца в SQLite",
        "en": "run the sample client dataset end to end into SQLite",
    },
    "cli.help.demo_target": {
        "ru": "URL базы данных вместо sample_data/crm.db",
        "en": "database URL instead of sample_data/crm.db",
    },
    # placeholders of values in the usage lines
    "cli.metavar.command": {
        "ru": "КОМАНДА",
        "en": "COMMAND",
    },
    "cli.metavar.seconds": {
        "ru": "СЕКУНДЫ",
        "en": "SECONDS",
    },
    "cli.metavar.file": {
        "ru": "ФАЙЛ",
        "en": "FILE",
    },
    "cli.metavar.folder": {
        "ru": "ПАПКА",
        "en": "FOLDER",
    },
    "cli.metavar.source": {
        "ru": "ИСТОЧНИК",
        "en": "SOURCE",
    },
    "cli.metavar.name": {
        "ru": "ИМЯ",
        "en": "NAME",
    },
    "cli.metavar.workbook": {
        "ru": "КНИГА",
        "en": "WORKBOOK",
    },
    # argparse's own texts, by its English original (cli.argparse_texts); %-placeholders are argparse's
    "cli.argparse.usage": {
        "ru": "использование: ",
        "en": "usage: ",
    },
    "cli.argparse.positionals": {
        "ru": "аргументы",
        "en": "positional arguments",
    },
    "cli.argparse.options": {
        "ru": "параметры",
        "en": "options",
    },
    "cli.argparse.help": {
        "ru": "показать эту справку и выйти",
        "en": "show this help message and exit",
    },
    "cli.argparse.error": {
        "ru": "%(prog)s: ошибка: %(message)s\n",
        "en": "%(prog)s: error: %(message)s\n",
    },
    "cli.argparse.argument": {
        "ru": "аргумент %(argument_name)s: %(message)s",
        "en": "argument %(argument_name)s: %(message)s",
    },
    "cli.argparse.required": {
        "ru": "не указаны обязательные аргументы: %s",
        "en": "the following arguments are required: %s",
    },
    "cli.argparse.one_of_required": {
        "ru": "нужен один из аргументов: %s",
        "en": "one of the arguments %s is required",
    },
    "cli.argparse.unrecognized": {
        "ru": "неизвестные аргументы: %s",
        "en": "unrecognized arguments: %s",
    },
    "cli.argparse.invalid_choice": {
        "ru": "недопустимое значение %(value)r (допустимы: %(choices)s)",
        "en": "invalid choice: %(value)r (choose from %(choices)s)",
    },
    "cli.argparse.invalid_value": {
        "ru": "недопустимое значение %(value)r (ожидается %(type)s)",
        "en": "invalid %(type)s value: %(value)r",
    },
    "cli.argparse.expected_one": {
        "ru": "нужно значение",
        "en": "expected one argument",
    },
    "cli.argparse.expected_at_most_one": {
        "ru": "нужно не больше одного значения",
        "en": "expected at most one argument",
    },
    "cli.argparse.expected_at_least_one": {
        "ru": "нужно хотя бы одно значение",
        "en": "expected at least one argument",
    },
    "cli.argparse.ambiguous": {
        "ru": "неоднозначный параметр %(option)s: подходят %(matches)s",
        "en": "ambiguous option: %(option)s could match %(matches)s",
    },
    "cli.argparse.not_allowed_with": {
        "ru": "нельзя указывать вместе с аргументом %s",
        "en": "not allowed with argument %s",
    },
    "cli.argparse.ignored_explicit": {
        "ru": "этот параметр не принимает значения: %r",
        "en": "ignored explicit argument %r",
    },
    "cli.unknown_language": {
        "ru": "{env}={value!r}: неизвестный язык (известны: {known})",
        "en": "{env}={value!r}: unknown language (known: {known})",
    },
}
