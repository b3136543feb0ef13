"""migration.yaml errors: the key path and the values stay as written, the phrase is translated."""

MESSAGES = {
    "config.file_not_found": {
        "ru": "{path}: файл конфигурации не найден",
        "en": "{path}: config file not found",
    },
    "config.not_yaml": {
        "ru": "{path}: это не корректный YAML",
        "en": "{path}: not valid YAML",
    },
    "config.not_yaml_at": {
        "ru": "{path}: это не корректный YAML (строка {line})",
        "en": "{path}: not valid YAML (line {line})",
    },
    "config.not_mapping": {
        "ru": "{path}: ожидается словарь с ключами name, target и sources",
        "en": "{path}: expected a mapping with name, target and sources",
    },
    "config.unknown_key": {
        "ru": "неизвестный ключ",
        "en": "unknown key",
    },
    "config.missing_key": {
        "ru": "обязательный ключ отсутствует",
        "en": "required key is missing",
    },
    "config.crm_kind": {
        "ru": "kind должен быть одним из bitrix24, amocrm",
        "en": "kind must be one of bitrix24, amocrm",
    },
    "config.env_not_set": {
        "ru": "{where}: переменная окружения {env} не задана",
        "en": "{where}: environment variable {env} is not set",
    },
    "config.file_missing": {
        "ru": "{where}: файл не найден: {file}",
        "en": "{where}: file not found: {file}",
    },
    "config.no_source": {
        "ru": "{path}: нет источника с именем {name!r} (источники: {sources})",
        "en": "{path}: no source named {name!r} (sources: {sources})",
    },
    "config.unknown_field": {
        "ru": "неизвестное поле {field!r} (известные: {known})",
        "en": "unknown field {field!r} (known: {known})",
    },
    "config.csv_only": {
        "ru": "encoding/delimiter применимы только к источникам csv (здесь kind {kind})",
        "en": "encoding/delimiter apply to csv sources only (kind is {kind})",
    },
    "config.excel_only": {
        "ru": "sheet применим только к источникам excel (здесь kind {kind})",
        "en": "sheet applies to excel sources only (kind is {kind})",
    },
    "config.not_database_url": {
        "ru": "это не адрес базы данных: {url!r}",
        "en": "not a database URL: {url!r}",
    },
    "config.review_above_auto_merge": {
        "ru": "review ({review}) не может быть больше auto_merge ({auto_merge})",
        "en": "review ({review}) must not be above auto_merge ({auto_merge})",
    },
    "config.source_twice": {
        "ru": "имя источника {name!r} используется дважды",
        "en": "source name {name!r} is used twice",
    },
    # pydantic's own checks, worded for a consultant (the rest keep pydantic's English)
    "config.greater_than": {
        "ru": "должно быть больше {limit}",
        "en": "must be greater than {limit}",
    },
    "config.greater_than_equal": {
        "ru": "должно быть не меньше {limit}",
        "en": "must be at least {limit}",
    },
    "config.less_than": {
        "ru": "должно быть меньше {limit}",
        "en": "must be less than {limit}",
    },
    "config.less_than_equal": {
        "ru": "должно быть не больше {limit}",
        "en": "must be at most {limit}",
    },
    "config.number": {
        "ru": "ожидается число, а указано {value!r}",
        "en": "expected a number, got {value!r}",
    },
    "config.text": {
        "ru": "ожидается текст",
        "en": "expected text",
    },
    "config.mapping": {
        "ru": "ожидается словарь (ключ: значение)",
        "en": "expected a mapping (key: value)",
    },
    "config.list": {
        "ru": "ожидается список",
        "en": "expected a list",
    },
    "config.too_short": {
        "ru": "нужен хотя бы {min} элемент",
        "en": "needs at least {min} item",
    },
    "config.pattern": {
        "ru": "{value!r} не подходит под шаблон {pattern}",
        "en": "{value!r} does not match the pattern {pattern}",
    },
    "config.yes_no": {
        "ru": "ожидается true или false, а указано {value!r}",
        "en": "expected true or false, got {value!r}",
    },
}
