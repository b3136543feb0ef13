"""Column mapping: which column became which field, and why; config columns that do not fit."""

MESSAGES = {
    "mapping.unknown_entity": {
        "ru": "неизвестный вид записей {entity!r} (допустимо: {allowed})",
        "en": "unknown entity {entity!r} (expected one of: {allowed})",
    },
    "mapping.column": {
        "ru": "столбец",
        "en": "column",
    },
    "mapping.key_column": {
        "ru": "ключевой столбец (key)",
        "en": "key column",
    },
    # rows that become no record (quarantined with the reason)
    "mapping.contact_without_company": {
        "ru": "строка контакта без компании: ни в ней, ни выше неё нет компании",
        "en": "contact row with no company on it or above it",
    },
    "mapping.key_repeats": {
        "ru": "код {key!r} повторяет {first}",
        "en": "key {key!r} repeats {first}",
    },
    "mapping.key_repeats_other_data": {
        "ru": "код {key!r} повторяет {first}, но с другими данными компании",
        "en": "key {key!r} repeats {first} with different company data",
    },
    "mapping.nothing_recognised": {
        "ru": "ни в одном распознанном поле нет значения",
        "en": "no recognised field has a value",
    },
    "mapping.nothing_recognised_filled": {
        "ru": "ни в одном распознанном поле нет значения (заполнены: {filled})",
        "en": "no recognised field has a value (filled: {filled})",
    },
    "mapping.config_column": {
        "ru": "columns: {entity}.{field}: столбец",
        "en": "columns: {entity}.{field}: column",
    },
    "mapping.ambiguous": {
        "ru": "{what} {wanted!r} неоднозначен: это {found}; напишите полное имя",
        "en": "{what} {wanted!r} is ambiguous: it is {found}; write the full name",
    },
    "mapping.not_found": {
        "ru": "{what} {wanted!r} не найден (столбцы: {columns})",
        "en": "{what} {wanted!r} not found (columns: {columns})",
    },
    "mapping.not_a_field": {
        "ru": "columns: {entity}.{field} — нет такого поля (поля: {allowed})",
        "en": "columns: {entity}.{field} is not a field (fields: {allowed})",
    },
    "mapping.from_config": {
        "ru": "сопоставление столбцов взято из блока columns: конфигурации",
        "en": "mapping taken from the config's columns: block",
    },
    "mapping.fuzzy": {
        "ru": "{header!r} сопоставлен с {field} (нечёткое совпадение {score})",
        "en": "{header!r} mapped to {field} (fuzzy {score})",
    },
    "mapping.detected": {
        "ru": "вид источника определён автоматически: {entity}",
        "en": "source detected as {entity}",
    },
    "mapping.kept_custom": {
        "ru": "{header!r} похож на {field}, но оставлен дополнительным полем в источнике вида {entity}",
        "en": "{header!r} looks like {field}, kept as a custom field in a {entity} source",
    },
    "mapping.also_looks_like": {
        "ru": "{header!r} тоже похож на {field}; взят {taken!r}, а {header!r} оставлен дополнительным полем",
        "en": "{header!r} also looks like {field}; took {taken!r}, kept {header!r} as a custom field",
    },
    "mapping.custom_fields": {
        "ru": "доп. поля",
        "en": "custom fields",
    },
    # 1C catalogs read over OData
    "mapping.onec.no_ref_key": {
        "ru": "{catalog}: элемент без Ref_Key",
        "en": "{catalog}: element without Ref_Key",
    },
    "mapping.onec.no_ref_key_origin": {
        "ru": "{catalog} (без Ref_Key)",
        "en": "{catalog} (no Ref_Key)",
    },
    "mapping.onec.folders_skipped": {
        "ru": "{catalog}: групп (папок) пропущено: {n}",
        "en": "{catalog}: groups (folders) skipped: {n}",
    },
    "mapping.onec.deleted_counterparties": {
        "ru": "контрагентов с пометкой удаления в 1С: {n}; их записи в CRM будут помечены удалёнными",
        "en": "counterparties marked for deletion in 1C: {n}; their CRM records will be soft-deleted",
    },
    "mapping.onec.deleted_contacts": {
        "ru": "контактных лиц с пометкой удаления в 1С: {n}; их записи в CRM будут помечены удалёнными",
        "en": "contact persons marked for deletion in 1C: {n}; their CRM records will be soft-deleted",
    },
    "mapping.onec.elements_read": {
        "ru": "прочитано элементов из 1С: {read}",
        "en": "elements read from 1C: {read}",
    },
    "mapping.onec.no_contact_catalog": {
        "ru": "справочник контактных лиц не опубликован ({catalogs}): переносятся только контрагенты — "
        "опубликуйте его в 1С, чтобы перенести контактных лиц",
        "en": "no contact person catalog is published ({catalogs}): counterparties only — publish it in 1C "
        "to migrate contact persons",
    },
    "mapping.onec.reference_repeats": {
        "ru": "ссылка 1С {key} повторяет {first}",
        "en": "1C reference {key} repeats {first}",
    },
    # 1C exchange files
    "mapping.xml.lines": {
        "ru": "{file}: {what} (строка {first}{also})",
        "en": "{file}: {what} (line {first}{also})",
    },
    "mapping.xml.also_line": {
        "ru": "; также строка {lines}",
        "en": "; also line {lines}",
    },
    "mapping.xml.also_lines": {
        "ru": "; также строки {lines}",
        "en": "; also lines {lines}",
    },
    "mapping.xml.of_owner": {
        "ru": " контрагента «{owner}»",
        "en": " of «{owner}»",
    },
    "mapping.xml.counterparty_without_key": {
        "ru": "контрагент без Ид/Ссылки, ИНН и наименования",
        "en": "counterparty without Ид/Ссылка, ИНН or name",
    },
    "mapping.xml.contact_without_key": {
        "ru": "контактное лицо без Ид/Ссылки и имени",
        "en": "contact person without Ид/Ссылка or name",
    },
    "mapping.xml.element_line": {
        "ru": "{file}: {tag} (строка {line})",
        "en": "{file}: {tag} (line {line})",
    },
    "mapping.xml.repeated_counterparties": {
        "ru": "контрагенты, повторённые в файле (например, в каждом заказе), объединены",
        "en": "counterparties repeated in the file (e.g. once per order), merged",
    },
    "mapping.xml.repeated_contacts": {
        "ru": "контактные лица, повторённые в файле, объединены",
        "en": "contact persons repeated in the file, merged",
    },
    "mapping.xml.deleted_counterparties": {
        "ru": "контрагенты с пометкой удаления в 1С не перенесены",
        "en": "counterparties marked for deletion in 1C left out",
    },
    "mapping.xml.orphaned_contacts": {
        "ru": "контактные лица контрагентов с пометкой удаления не перенесены",
        "en": "contact persons of deletion-marked counterparties left out",
    },
    "mapping.xml.deleted_contacts": {
        "ru": "контактные лица с пометкой удаления в 1С не перенесены",
        "en": "contact persons marked for deletion in 1C left out",
    },
    "mapping.xml.keyless": {
        "ru": "записи контрагентов без Ид/Ссылки: ключ по ИНН+КПП или по наименованию "
        "(ключ изменится, если их отредактируют в 1С)",
        "en": "counterparty entries without Ид/Ссылка: keyed by INN+KPP or by name "
        "(the key changes if those are edited in 1C)",
    },
    "mapping.xml.no_owner": {
        "ru": "контактные лица без контрагента-владельца",
        "en": "contact persons without an owner counterparty",
    },
    "mapping.xml.unknown_owner": {
        "ru": "контактные лица ссылаются на контрагента, которого нет в этом файле",
        "en": "contact persons refer to a counterparty not in this file",
    },
    "mapping.xml.relation_left_out": {
        "ru": "представители с Отношением «{relation}» не перенесены (контактами становятся только контактные лица)",
        "en": "representatives with Отношение «{relation}» left out (only contact persons become contacts)",
    },
    "mapping.xml.unit_file": {
        "ru": "файл",
        "en": "file",
    },
    "mapping.xml.unit_message": {
        "ru": "сообщение",
        "en": "message",
    },
}
