"""Broken and hostile input: values that fail to normalise, rows a reader cannot trust, files it cannot read."""

MESSAGES = {
    # a value a normaliser failed on: kept as written, the record is loaded with a warning
    "bad_input.value_failed": {
        "ru": "не удалось разобрать ({error}); оставлено как есть",
        "en": "could not be read ({error}); kept as written",
    },
    # a value the duplicate search failed on: the record is matched without it, and loaded with a warning
    "bad_input.feature_failed": {
        "ru": "не удалось использовать при поиске дублей ({error}); запись сопоставлена без этого поля",
        "en": "could not be used in the duplicate search ({error}); the record was matched without it",
    },
    # a record the mapping failed on: quarantined under its key
    "bad_input.record_failed": {
        "ru": "запись не удалось разобрать ({error})",
        "en": "the record could not be read ({error})",
    },
    # CSV rows the reader quarantines
    "bad_input.csv_quote_unclosed": {
        "ru": "кавычка, открытая в этой строке, не закрыта (строка пропущена, чтение продолжено со следующей)",
        "en": "a quote opened on this line is never closed (the line was skipped, reading went on with the next one)",
    },
    "bad_input.csv_quote_swallows": {
        "ru": "кавычка, открытая в этой строке, закрывается только в строке {closed} и поглотила бы следующие "
        "записи ({records}) (строка пропущена, следующие строки прочитаны как записи)",
        "en": "a quote opened on this line closes only on line {closed} and would swallow the records after it "
        "({records}) (the line was skipped, the following lines were read as records)",
    },
    "bad_input.csv_quote_swallows_unclosed": {
        "ru": "кавычка, открытая в этой строке, не закрыта до конца файла и поглотила бы следующие записи "
        "({records}) (строка пропущена, следующие строки прочитаны как записи)",
        "en": "a quote opened on this line never closes and would swallow the records after it ({records}) "
        "(the line was skipped, the following lines were read as records)",
    },
    "bad_input.csv_field_too_long": {
        "ru": "поле, начатое в этой строке, длиннее {limit} символов (незакрытая кавычка?); строка пропущена, "
        "чтение продолжено со следующей",
        "en": "a field starting on this line is longer than {limit} characters (a quote never closed?); the line "
        "was skipped, reading went on with the next one",
    },
    "bad_input.csv_too_many_fields": {
        "ru": "{n} полей, а в файле {width} (лишний {sep!r} или кавычка?)",
        "en": "{n} fields where the file has {width} (a stray {sep!r} or quote?)",
    },
    "bad_input.csv_cut_in_two": {
        "ru": "запись разрезана переводом строки внутри поля (строки {first}–{second})",
        "en": "record cut in two by a line break inside a field (lines {first}–{second})",
    },
    # files that cannot be read at all: one line naming the file
    "bad_input.file_unreadable": {
        "ru": "{file}: файл не читается ({detail})",
        "en": "{file}: cannot read the file ({detail})",
    },
    "bad_input.file_too_large": {
        "ru": "{file}: файл слишком велик для чтения в память ({size}); разделите выгрузку на части",
        "en": "{file}: the file is too large to read into memory ({size}); split the export into parts",
    },
    "bad_input.ole_sector_size": {
        "ru": "{file}: книга повреждена или не является книгой Excel (OLE-файл с размером сектора 2^{shift} "
        "вместо 512 или 4096 байт)",
        "en": "{file}: the workbook is damaged or not an Excel file (an OLE file with sectors of 2^{shift} bytes "
        "where 512 or 4096 are allowed)",
    },
    "bad_input.ole_truncated": {
        "ru": "{file}: книга повреждена или обрезана (OLE-файл ссылается за конец файла)",
        "en": "{file}: the workbook is damaged or truncated (the OLE file points beyond its end)",
    },
    # config values outside the allowed set
    "bad_input.config_not_one_of": {
        "ru": "{value!r} — не одно из значений {allowed}",
        "en": "{value!r} is not one of {allowed}",
    },
    "bad_input.config_kind_missing": {
        "ru": "kind: обязательный ключ отсутствует (одно из {allowed})",
        "en": "kind: required key is missing (one of {allowed})",
    },
}
