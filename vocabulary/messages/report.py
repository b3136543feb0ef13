"""The data-quality workbook (`report`) and the review workbook (`review export`): sheets, headers, notes."""

from vocabulary.messages._tables import entries

_SHEETS = {
    "summary": ("Сводка", "Summary"),
    "by_source": ("По источникам", "By source"),
    "fill_rate": ("Заполненность", "Fill rate"),
    "quarantine_reasons": ("Причины карантина", "Quarantine reasons"),
    "quarantine": ("Карантин", "Quarantine"),
    "warnings": ("Предупреждения", "Warnings"),
    "duplicates": ("Дубликаты", "Duplicates"),
    "merges": ("Слияния", "Merges"),
    "branches": ("Филиалы", "Branches"),
    "review": ("На проверку", "Review"),
    "conflicts": ("Конфликты", "Conflicts"),
    "runs": ("Запуски", "Runs"),
}

_COLUMNS = {
    "item": ("Показатель", "Item"),
    "value": ("Значение", "Value"),
    "source": ("Источник", "Source"),
    "companies": ("Компании", "Companies"),
    "contacts": ("Контакты", "Contacts"),
    "gone_from_source": ("Удалены из источника", "Gone from source"),
    "quarantined": ("В карантине", "Quarantined"),
    "with_warnings": ("С предупреждениями", "With warnings"),
    "field": ("Поле", "Field"),
    "reason": ("Причина", "Reason"),
    "records": ("Записей", "Records"),
    "origin": ("Место в источнике", "Origin"),
    "entity": ("Тип записи", "Entity"),
    "source_key": ("Ключ в источнике", "Source key"),
    "reasons": ("Причины", "Reasons"),
    "record": ("Запись", "Record"),
    "crm_id": ("ID в CRM", "CRM id"),
    "crm_name": ("Запись в CRM", "CRM record"),
    "warning": ("Предупреждение", "Warning"),
    "name": ("Название / ФИО", "Name"),
    "inn": ("ИНН", "INN"),
    "kpp": ("КПП", "KPP"),
    "city": ("Город", "City"),
    "sources": ("Источники", "Sources"),
    "origins": ("Исходные записи", "Origins"),
    "head_office_id": ("ID головной", "Head office id"),
    "head_office": ("Головная компания", "Head office"),
    "head_office_kpp": ("КПП головной", "Head office KPP"),
    "score": ("Сходство", "Score"),
    "weights": ("Веса признаков", "Weights"),
    "left_source": ("Источник 1", "Left source"),
    "left_key": ("Ключ 1", "Left key"),
    "left_origin": ("Место 1", "Left origin"),
    "left_crm_id": ("ID в CRM 1", "Left CRM id"),
    "left_name": ("Название 1", "Left name"),
    "right_source": ("Источник 2", "Right source"),
    "right_key": ("Ключ 2", "Right key"),
    "right_origin": ("Место 2", "Right origin"),
    "right_crm_id": ("ID в CRM 2", "Right CRM id"),
    "right_name": ("Название 2", "Right name"),
    "run_id": ("Запуск", "Run"),
    "crm_value": ("Значение в CRM", "CRM value"),
    "source_value": ("Значение в источнике", "Source value"),
    "source_keys": ("Записи источников", "Source records"),
    "id": ("ID", "Id"),
    "config_name": ("Конфигурация", "Config"),
    "started_at": ("Начало (UTC)", "Started (UTC)"),
    "finished_at": ("Окончание (UTC)", "Finished (UTC)"),
    "status": ("Статус", "Status"),
    "dry_run": ("Пробный", "Dry run"),
    "records_read": ("Прочитано записей", "Records read"),
    "review_pairs": ("Пар на проверку", "Review pairs"),
    "error": ("Ошибка", "Error"),
    **{
        f"{entity}_{count}": (f"{ru_entity}: {ru_count}", f"{en_entity} {count}")
        for entity, ru_entity, en_entity in (
            ("companies", "Компании", "Companies"),
            ("contacts", "Контакты", "Contacts"),
        )
        for count, ru_count in (
            ("created", "созданы"),
            ("updated", "обновлены"),
            ("unchanged", "без изменений"),
            ("merged", "объединены"),
            ("deleted", "удалены"),
        )
    },
}

_NOTES = {
    "summary.value": (
        (
            "Цифры запуска взяты из его журнала; «CRM сейчас» — живые записи CRM на момент отчёта "
            "(удалённые и поглощённые при слиянии не считаются)."
        ),
        (
            "Run figures come from the run's log; 'CRM now' figures are the live records in the CRM at "
            "the time of the report (deleted and merged-away records excluded)."
        ),
    ),
    "by_source.companies": (
        "Живые записи источника, связанные с компанией в CRM.",
        "Live source records of this source linked to a CRM company.",
    ),
    "by_source.contacts": (
        "Живые записи источника, связанные с контактом в CRM.",
        "Live source records of this source linked to a CRM contact.",
    ),
    "by_source.gone_from_source": (
        (
            "Записи, загруженные раньше, которых больше нет в источнике (их связь помечена "
            "удалённой; запись CRM без живых связей удаляется мягко)."
        ),
        (
            "Records loaded earlier that are no longer in the source (their link is marked "
            "deleted; a CRM record with no live link left is soft-deleted)."
        ),
    ),
    "by_source.quarantined": (
        "Записи источника, не загруженные в этом запуске: см. лист «Карантин».",
        "Records of this source not loaded in the reported run: see the quarantine sheet.",
    ),
    "by_source.with_warnings": (
        ("Живые записи со значениями, которые не удалось привести к норме: см. лист «Предупреждения»."),
        "Live records with values that could not be made canonical: see the warnings sheet.",
    ),
    "fill_rate.field": (
        (
            "Доля записей CRM (после слияния), в которые загружены записи источника и у которых "
            "поле заполнено, в процентах. Меньше {low}% выделено красным."
        ),
        (
            "Share of the CRM records (after merging) this source's records were loaded into that "
            "have the field, in percent. Below {low}% is shaded red."
        ),
    ),
    "quarantine_reasons.reason": (
        "Причина без конкретного значения; у записи может быть несколько причин.",
        "The reason without the offending value; a record can have several reasons.",
    ),
    "quarantine.origin": (
        "Где запись в источнике: лист!строка или файл:строка.",
        "Where the record is in its source: sheet!row or file:line.",
    ),
    "quarantine.reasons": ("Почему запись не загружена.", "Why the record was not loaded."),
    "quarantine.record": (
        "Запись как она прочитана из источника (столбец: значение).",
        "The record as read from the source (column: value).",
    ),
    "warnings.warning": (
        "Значение, не попавшее в CRM (неверный ИНН, телефон, e-mail…): исправьте в источнике.",
        "A value left out of the CRM (invalid INN, phone, email, …): fix it at the source.",
    ),
    "warnings.crm_name": (
        "Запись CRM, в которую загружена запись источника.",
        "The CRM record the source record was loaded into.",
    ),
    "duplicates.records": (
        "Сколько живых записей источников слито в эту запись CRM.",
        "How many live source records were merged into this CRM record.",
    ),
    "duplicates.origins": (
        "Каждая запись источника: источник, место в источнике [ключ].",
        "Each source record: source, place in the source [key].",
    ),
    "merges.reasons": (
        "Почему две записи признаны одной (совпавшие признаки).",
        "Why the two records were taken for one (what matched).",
    ),
    "merges.score": ("Сходство двух записей (0–100).", "Similarity of the two records (0-100)."),
    "merges.weights": (
        "Вклад каждого признака в сходство (биты; больше нуля — за объединение, меньше — против).",
        "Each feature's share of the score (bits; above zero for the merge, below against it).",
    ),
    "branches.head_office": (
        "Компания с тем же ИНН, к которой относится филиал (parent_id).",
        "The company with the same INN this branch belongs to (parent_id).",
    ),
    "review.score": (
        "Сходство двух записей (0–100); автоматически они не объединены.",
        "Similarity of the two records (0-100); they were not merged automatically.",
    ),
    "review.left_name": (
        "Название записи CRM, с которой связана первая запись (если есть).",
        "Name of the CRM record the left source record is linked to (if any).",
    ),
    "conflicts.crm_value": (
        "Значение, которое пользователь CRM изменил после загрузки: оно сохранено.",
        "The value a CRM user changed since the load: it is kept.",
    ),
    "conflicts.source_value": (
        "Новое значение в источнике, не загруженное из-за изменения в CRM.",
        "The source's new value, not loaded because a CRM user changed the field.",
    ),
}

_ITEMS = {
    "run_id": ("Запуск", "Run id"),
    "config": ("Конфигурация", "Config"),
    "started": ("Начало (UTC)", "Started (UTC)"),
    "finished": ("Окончание (UTC)", "Finished (UTC)"),
    "status": ("Статус", "Status"),
    "records_read": ("Прочитано записей", "Records read"),
    "quarantined": ("В карантине", "Quarantined"),
    "review_pairs": ("Пар на проверку", "Review pairs"),
    **{
        f"{entity}_{count}": _COLUMNS[f"{entity}_{count}"]
        for entity in ("companies", "contacts")
        for count in ("created", "updated", "unchanged", "merged", "deleted")
    },
    "crm_companies": ("CRM сейчас: компании", "CRM now: companies"),
    "crm_branches": ("CRM сейчас: филиалы", "CRM now: branches"),
    "crm_contacts": ("CRM сейчас: контакты", "CRM now: contacts"),
    "crm_phones": ("CRM сейчас: телефоны", "CRM now: phones"),
    "crm_phones_invalid": (
        "CRM сейчас: телефоны с ошибкой (сохранены как записаны)",
        "CRM now: phones not valid (kept as written)",
    ),
    "crm_emails": ("CRM сейчас: e-mail", "CRM now: emails"),
    "crm_with_inn": ("CRM сейчас: компании с ИНН", "CRM now: companies with INN"),
    "crm_with_inn_pct": ("CRM сейчас: компании с ИНН, %", "CRM now: companies with INN, %"),
    "crm_with_phone": (
        "CRM сейчас: компании с верным телефоном (своим или контакта)",
        "CRM now: companies with a valid phone (own or a contact's)",
    ),
    "crm_with_phone_pct": ("CRM сейчас: компании с верным телефоном, %", "CRM now: companies with a valid phone, %"),
    "crm_with_email": (
        "CRM сейчас: компании с e-mail (своим или контакта)",
        "CRM now: companies with an email (own or a contact's)",
    ),
    "crm_with_email_pct": ("CRM сейчас: компании с e-mail, %", "CRM now: companies with an email, %"),
    "crm_review_waiting": ("CRM сейчас: пар ждут решения", "CRM now: review pairs waiting"),
    "left_out": (
        "Лист «{sheet}»: показаны первые {shown} строк из {total}, не вошло строк",
        "Sheet «{sheet}»: the first {shown} rows of {total} shown, rows left out",
    ),
    "whole_lists": ("Все строки этих листов", "Every row of those sheets"),
}

_FIELDS = {
    "company.legal_name": ("Компания: полное наименование", "Company: legal name"),
    "company.inn": ("Компания: ИНН", "Company: INN"),
    "company.kpp": ("Компания: КПП", "Company: KPP"),
    "company.ogrn": ("Компания: ОГРН", "Company: OGRN"),
    "company.address": ("Компания: адрес", "Company: address"),
    "company.city": ("Компания: город", "Company: city"),
    "company.website": ("Компания: сайт", "Company: website"),
    "company.manager": ("Компания: ответственный", "Company: manager"),
    "company.phone": ("Компания: телефон", "Company: phone"),
    "company.email": ("Компания: e-mail", "Company: email"),
    "contact.last_name": ("Контакт: фамилия", "Contact: last name"),
    "contact.first_name": ("Контакт: имя", "Contact: first name"),
    "contact.middle_name": ("Контакт: отчество", "Contact: middle name"),
    "contact.position": ("Контакт: должность", "Contact: position"),
    "contact.company": ("Контакт: компания", "Contact: company"),
    "contact.phone": ("Контакт: телефон", "Contact: phone"),
    "contact.email": ("Контакт: e-mail", "Contact: email"),
}

_VALUES = {
    "whole_lists": (
        "crm-migrate report --config migration.yaml --out quality.xlsx",
        "crm-migrate report --config migration.yaml --out quality.xlsx",
    ),
    "entity.company": ("компания", "company"),
    "entity.contact": ("контакт", "contact"),
    "entity.row": ("строка файла", "row"),
    "status.success": ("успешно", "success"),
    "status.failed": ("ошибка", "failed"),
    "status.undone": ("отменён", "undone"),
    "status.running": ("выполняется", "running"),
}

_CHARTS = {
    "by_source": ("Записи и карантин по источникам", "Records and quarantine per source"),
    "quarantine_reasons": ("Карантин по причинам", "Quarantine by reason"),
    "fill_rate": ("Заполненность полей по источникам, %", "Fill rate per field and source, %"),
}

_REVIEW_BOOK = {
    "sheet.how_to": ("Как заполнять", "How to fill in"),
    "how_to.topic": ("Что", "Topic"),
    "how_to.text": ("Пояснение", "Explanation"),
    "how_to.fill.topic": ("Как заполнять", "How to fill in"),
    "how_to.fill": (
        (
            "В листе review в столбце decision выберите из списка same (это одна и та же компания или "
            "один человек) или different (разные); подходят и «да» / «нет». Строки без решения "
            "пропускаются. Столбцы с ключами не меняйте."
        ),
        (
            "In sheet review, column decision: pick same (one company or person) or different from the "
            "list. Rows left empty are skipped. Do not change the key columns."
        ),
    ),
    "how_to.columns.topic": ("Столбцы", "Columns"),
    "how_to.columns": (
        (
            "left_… — первая запись пары, right_… — вторая; score — сходство 0–100; reasons — что "
            "совпало; comment — ваш комментарий (сохраняется вместе с решением)."
        ),
        (
            "left_… is the first record of the pair, right_… the second; score is the similarity "
            "(0-100); reasons say what matched; comment is kept with the decision."
        ),
    ),
    "how_to.then.topic": ("Затем", "Then"),
    "how_to.then": (
        (
            "crm-migrate review import --config migration.yaml review.xlsx, затем crm-migrate run: "
            "решения хранятся в базе CRM и применяются во всех следующих запусках."
        ),
        (
            "crm-migrate review import --config migration.yaml review.xlsx, then crm-migrate run: "
            "decisions are kept in the CRM database and apply to every later run."
        ),
    ),
    "note.decision": (
        "same — одна и та же запись, different — разные; пусто — пропустить.",
        "same: one record; different: two; empty: skip.",
    ),
    "note.score": ("Сходство двух записей (0–100).", "Similarity of the two records (0-100)."),
    "note.reasons": ("Что совпало или различается.", "What matched or differs."),
    "note.comment": ("Необязательно: почему вы так решили.", "Optional: why you decided so."),
}


MESSAGES = {
    **entries("report.sheet", _SHEETS),
    **entries("report.col", _COLUMNS),
    **entries("report.note", _NOTES),
    **entries("report.item", _ITEMS),
    **entries("report.field", _FIELDS),
    **entries("report.value", _VALUES),
    **entries("report.chart", _CHARTS),
    **entries("review_book", _REVIEW_BOOK),
    "report.written": {
        "ru": "Отчёт о качестве данных записан в {path} (листы: {sheets})",
        "en": "Quality report written to {path} (sheets: {sheets})",
    },
}
