"""Reading the sources: files that cannot be read, sheets, encodings, delimiters, header rows, 1C services."""

MESSAGES = {
    # any file
    "sources.cannot_open": {
        "ru": "{file}: не удаётся открыть ({detail})",
        "en": "{file}: cannot open ({detail})",
    },
    "sources.empty_file": {
        "ru": "{file}: пустой файл (0 байт)",
        "en": "{file}: empty file (0 bytes)",
    },
    # Excel workbooks
    "sources.excel.unreadable": {
        "ru": "{file}: не удаётся прочитать книгу ({detail})",
        "en": "{file}: cannot read the workbook ({detail})",
    },
    "sources.excel.sheet_unreadable": {
        "ru": "{file}: не удаётся прочитать лист {sheet!r} ({detail})",
        "en": "{file}: sheet {sheet!r} cannot be read ({detail})",
    },
    "sources.excel.password": {
        "ru": "{file}: книга защищена паролем",
        "en": "{file}: the workbook is password-protected",
    },
    "sources.excel.truncated": {
        "ru": "{file}: книга повреждена или обрезана (неполный zip-архив)",
        "en": "{file}: the workbook is damaged or truncated (incomplete zip archive)",
    },
    "sources.excel.not_a_workbook": {
        "ru": "{file}: это не книга Excel ({what})",
        "en": "{file}: not an Excel workbook ({what})",
    },
    "sources.excel.looks_html": {
        "ru": "похоже на HTML-страницу; откройте её в Excel и сохраните как .xlsx",
        "en": "looks like an HTML page; open it in Excel and save as .xlsx",
    },
    "sources.excel.looks_xml": {
        "ru": "похоже на XML-файл (Excel 2003 XML?); откройте его в Excel и сохраните как .xlsx",
        "en": "looks like an XML file (Excel 2003 XML?); open it in Excel and save as .xlsx",
    },
    "sources.excel.looks_csv": {
        "ru": "похоже на текст CSV; укажите kind: csv",
        "en": "looks like CSV text; use kind: csv",
    },
    "sources.excel.unknown_format": {
        "ru": "неизвестный формат файла",
        "en": "unknown file format",
    },
    "sources.excel.no_sheet": {
        "ru": "{file}: нет листа {sheet!r} (листы: {sheets})",
        "en": "{file}: no sheet {sheet!r} (sheets: {sheets})",
    },
    "sources.excel.hidden_named": {
        "ru": "лист {sheet!r} скрыт в книге; прочитан, потому что он указан в конфигурации",
        "en": "sheet {sheet!r} is hidden in the workbook; read because the config names it",
    },
    "sources.excel.not_worksheet": {
        "ru": "{kind} {sheet!r} пропущен (это не рабочий лист)",
        "en": "{kind} {sheet!r} skipped (not a worksheet)",
    },
    "sources.excel.hidden_skipped": {
        "ru": "скрытый лист {sheet!r} пропущен (укажите его в sheet:, чтобы прочитать)",
        "en": "hidden sheet {sheet!r} skipped (name it with sheet: to read it)",
    },
    "sources.excel.no_visible_sheet": {
        "ru": "{file}: нет видимого рабочего листа ({why})",
        "en": "{file}: no visible worksheet ({why})",
    },
    "sources.excel.no_sheets": {
        "ru": "в книге нет листов",
        "en": "the workbook has no sheets",
    },
    # CSV files
    "sources.csv.nul": {
        "ru": "символов NUL в файле: {n}, оставлены в ячейках",
        "en": "NUL characters in the file: {n}, kept in the cells",
    },
    "sources.csv.unknown_encoding": {
        "ru": "{file}: неизвестная кодировка {encoding!r}",
        "en": "{file}: unknown encoding {encoding!r}",
    },
    "sources.csv.not_text_encoding": {
        "ru": "{file}: {encoding!r} — не текстовая кодировка (например, cp1251, utf-8)",
        "en": "{file}: encoding {encoding!r} is not a text encoding (e.g. cp1251, utf-8)",
    },
    "sources.csv.encoding_configured": {
        "ru": "кодировка {encoding} (из конфигурации)",
        "en": "encoding {encoding} (from the config)",
    },
    "sources.csv.not_valid_encoding": {
        "ru": "{file}: файл не в кодировке {encoding} (байт 0x{byte} по смещению {offset}); попробуйте encoding: auto",
        "en": "{file}: not valid {encoding} (byte 0x{byte} at offset {offset}); try encoding: auto",
    },
    "sources.csv.encoding_detected": {
        "ru": "кодировка {encoding} (определена автоматически)",
        "en": "encoding {encoding} (detected)",
    },
    "sources.csv.encoding_replaced": {
        "ru": "кодировка {encoding} (определена автоматически); нечитаемых байтов заменено на '\ufffd': {n}",
        "en": "encoding {encoding} (detected); undecodable bytes replaced with '\ufffd': {n}",
    },
    "sources.csv.bad_delimiter": {
        "ru": "{file}: разделитель должен быть одним символом, а указано {delimiter!r}",
        "en": "{file}: delimiter must be one character, got {delimiter!r}",
    },
    "sources.csv.delimiter_detected": {
        "ru": "разделитель {delimiter!r} (определён автоматически)",
        "en": "delimiter {delimiter!r} (detected)",
    },
    # header rows and the rows around them
    "sources.table.header_row": {
        "ru": "строка заголовка: {row}",
        "en": "header on row {row}",
    },
    "sources.table.header_rows": {
        "ru": "заголовок в строках {first}–{last} (заголовок из двух строк)",
        "en": "header on rows {first}–{last} (two-row header)",
    },
    "sources.table.titles_skipped": {
        "ru": "строк над заголовком пропущено (название таблицы): {n}",
        "en": "title rows above the header skipped: {n}",
    },
    "sources.table.renamed": {
        "ru": "столбцы переименованы, чтобы различать их: {columns}",
        "en": "columns named to keep them apart: {columns}",
    },
    "sources.table.empty_rows": {
        "ru": "пустых строк пропущено: {n}",
        "en": "empty rows skipped: {n}",
    },
    "sources.table.totals_rows": {
        "ru": "строк итогов пропущено: {n} (строки: {rows})",
        "en": "totals rows skipped: {n} (rows {rows})",
    },
    "sources.table.repeated_header_rows": {
        "ru": "повторов строки заголовка пропущено: {n} (строки: {rows})",
        "en": "repeated header rows skipped: {n} (rows {rows})",
    },
    "sources.table.empty": {
        "ru": "пусто (нет заполненных ячеек)",
        "en": "empty (no filled cells)",
    },
    "sources.table.no_configured_header": {
        "ru": "в первых {rows} строках нет строки заголовка с указанными в конфигурации столбцами ({columns})",
        "en": "no header row with the configured columns ({columns}) in the first {rows} rows",
    },
    "sources.table.no_header": {
        "ru": "в первых {rows} строках не найдена строка заголовка (ни одна строка не называет известный столбец, "
        "например Наименование, ИНН, Телефон, ФИО)",
        "en": "no header row found in the first {rows} rows "
        "(no row names a known column such as Наименование, ИНН, Телефон, ФИО)",
    },
    "sources.sheet_skipped": {
        "ru": "{sheet}: лист пропущен, {why}",
        "en": "{sheet}: skipped, {why}",
    },
    "sources.sheet_problem": {
        "ru": "{file}: лист {sheet!r}: {problem}",
        "en": "{file}: sheet {sheet!r}: {problem}",
    },
    "sources.no_header_sheet": {
        "ru": "{file}: ни на одном листе не найдена строка заголовка",
        "en": "{file}: no sheet with a recognisable header row",
    },
    # 1C exchange files (CommerceML, EnterpriseData)
    "sources.xml.too_deep": {
        "ru": "элементы вложены глубже {depth} уровней (строка {line}): это не файл обмена 1С",
        "en": "elements nested more than {depth} levels deep (line {line}): not a 1C exchange file",
    },
    "sources.xml.entity": {
        "ru": "объявляет XML-сущность {name!r} (строка {line}); файлы обмена 1С никогда не объявляют сущностей, "
        "а через них строятся XML-бомбы и чтение чужих файлов",
        "en": "declares the XML entity {name!r} (line {line}); 1C exchange files never declare entities, "
        "and entities are how XML bombs and file reads are built",
    },
    "sources.xml.root": {
        "ru": "корневой элемент <{tag}>: это ни CommerceML (КоммерческаяИнформация), ни EnterpriseData (Message)",
        "en": "the root element is <{tag}>: neither CommerceML (КоммерческаяИнформация) nor EnterpriseData (Message)",
    },
    "sources.xml.no_counterparties": {
        "ru": "в этом файле {format} нет контрагентов (нет элемента {element})",
        "en": "no counterparties in this {format} file (no {element} element)",
    },
    "sources.xml.zip": {
        "ru": "это не XML, а ZIP-архив (1С упаковывает сообщения обмена: распакуйте .xml из него)",
        "en": "not XML but a ZIP archive (1C zips exchange messages: unpack the .xml inside)",
    },
    "sources.xml.not_xml": {
        "ru": "это не XML-файл ({error}, строка {line}, позиция {column})",
        "en": "not an XML file ({error} at line {line}, column {column})",
    },
    "sources.xml.truncated": {
        "ru": "XML обрезан: файл кончается внутри <{tag}> (строка {line}, позиция {column})",
        "en": "truncated XML: the file ends inside <{tag}> (line {line}, column {column})",
    },
    "sources.xml.broken": {
        "ru": "XML повреждён: {error}, строка {line}, позиция {column}",
        "en": "broken XML: {error} at line {line}, column {column}",
    },
    # 1C OData services
    "sources.odata.service_document": {
        "ru": "список опубликованных объектов",
        "en": "the service document",
    },
    "sources.odata.not_published": {
        "ru": "интерфейс OData не публикует {what} — опубликуйте его в 1С (Администрирование → Синхронизация "
        "данных → Настройка стандартного интерфейса OData)",
        "en": "the OData interface does not publish {what} — publish it in 1C (Администрирование → Синхронизация "
        "данных → Настройка стандартного интерфейса OData)",
    },
    "sources.odata.cannot_connect": {
        "ru": "не удаётся подключиться ({detail}) — проверьте url и что веб-сервер 1С запущен",
        "en": "cannot connect ({detail}) — check the url and that the 1C web server is running",
    },
    "sources.odata.connection_refused": {
        "ru": "в подключении отказано",
        "en": "connection refused",
    },
    "sources.odata.cannot_read": {
        "ru": "не удаётся прочитать {what}: {kind} {detail}",
        "en": "cannot read {what}: {kind} {detail}",
    },
    "sources.odata.not_json": {
        "ru": "ответ на запрос {what} — не OData JSON ({detail}) — url должен указывать на …/odata/standard.odata базы",
        "en": "the answer to {what} is not OData JSON ({detail}) — the url must point at the base's "
        "…/odata/standard.odata",
    },
    "sources.odata.refused": {
        "ru": "1С отказала в запросе {what}: {detail}",
        "en": "1C refused {what}: {detail}",
    },
    "sources.odata.no_value": {
        "ru": "в ответе на запрос {what} нет списка «value» — это не ответ OData 1С",
        "en": "the answer to {what} has no «value» list — not a 1C OData answer",
    },
    "sources.odata.check_password": {
        "ru": "{status} — проверьте user и password_env",
        "en": "{status} — check user and password_env",
    },
    "sources.odata.needs_user": {
        "ru": "{status} — база требует пользователя 1С: задайте user и password_env",
        "en": "{status} — the base needs a 1C user: set user and password_env",
    },
    "sources.odata.forbidden": {
        "ru": "{status} — пользователю 1С {user!r} нельзя читать {what}: дайте ему права на чтение в 1С",
        "en": "{status} — the 1C user {user!r} may not read {what}: grant it read rights in 1C",
    },
    "sources.odata.no_service": {
        "ru": "{status} — по этому адресу нет сервиса OData 1С: адрес кончается на /odata/standard.odata, а база "
        "должна быть опубликована на веб-сервере с включённым стандартным интерфейсом OData",
        "en": "{status} — no 1C OData service at this URL: it ends in /odata/standard.odata and the "
        "base must be published on the web server with the standard OData interface enabled",
    },
    "sources.odata.status_said": {
        "ru": "{status} на запрос {what}: 1С отвечает «{said}»",
        "en": "{status} for {what}: 1C says «{said}»",
    },
    "sources.odata.status": {
        "ru": "{status} на запрос {what} ({detail})",
        "en": "{status} for {what} ({detail})",
    },
    "sources.odata.no_content_type": {
        "ru": "без типа содержимого",
        "en": "no content type",
    },
    "sources.odata.empty_body": {
        "ru": "{kind}, пустой ответ",
        "en": "{kind}, empty body",
    },
}
