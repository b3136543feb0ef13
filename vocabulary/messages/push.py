"""Messages of `push` and `export` (delivery into Bitrix24 / amoCRM)."""

MESSAGES = {
    "push.no_crm": {
        "ru": "{config}: нет раздела crm: (kind: bitrix24 с url_env или kind: amocrm с url и token_env)",
        "en": "{config}: no crm: section (kind: bitrix24 with url_env, or kind: amocrm with url and token_env)",
    },
    "push.no_target": {
        "ru": "целевая база {target} ещё не создана: сначала crm-migrate run",
        "en": "target {target} has no CRM records yet: run crm-migrate run first",
    },
    "push.header": {
        "ru": "crm-migrate push → {crm} {portal}{dry}",
        "en": "crm-migrate push → {crm} {portal}{dry}",
    },
    "push.dry": {"ru": " (ПРОБНЫЙ ЗАПУСК: ничего не отправлено)", "en": " (DRY RUN: nothing sent)"},
    "push.counts": {
        "ru": "{label}: создано {created}, обновлено {updated}, без изменений {unchanged}, найдено после "
        "прерванной отправки {found}, ошибок {failed}",
        "en": "{label}: {created} created, {updated} updated, {unchanged} unchanged, {found} found after an "
        "interrupted push, {failed} failed",
    },
    "push.would": {
        "ru": "{label}: будет создано {created}, проверено и обновлено при изменениях {updated}, без изменений "
        "{unchanged}, поиск после прерванной отправки {found}",
        "en": "{label}: would create {created}, check and update {updated}, leave {unchanged} unchanged, look up "
        "{found} after an interrupted push",
    },
    "push.label.company": {"ru": "Компании", "en": "Companies"},
    "push.label.contact": {"ru": "Контакты", "en": "Contacts"},
    "push.deleted_here": {
        "ru": "{label}: удалены здесь, но остаются в CRM (не удаляем, проверьте вручную): {ids}",
        "en": "{label}: deleted here but still in the CRM (not deleted there, check by hand): {ids}",
    },
    "push.deleted_there": {
        "ru": "{label}: удалены в CRM пользователями, не восстанавливаем: {ids}",
        "en": "{label}: deleted in the CRM by its users, not revived: {ids}",
    },
    "push.failed": {
        "ru": "  {entity} {crm_id}: {error}",
        "en": "  {entity} {crm_id}: {error}",
    },
    "push.failed_header": {"ru": "Не приняты CRM:", "en": "Refused by the CRM:"},
    "push.requests": {"ru": "Запросов к CRM: {n}", "en": "Requests to the CRM: {n}"},
    "push.preset_missing": {
        "ru": "Bitrix24 {portal}: нет шаблона реквизитов «{name}» (crm.requisite.preset.list)",
        "en": "Bitrix24 {portal}: no requisite preset «{name}» (crm.requisite.preset.list)",
    },
    "push.remote_missing": {
        "ru": "запись {remote_id} удалена в CRM",
        "en": "record {remote_id} was deleted in the CRM",
    },
    # the CRM's REST API could not be used (connectors.saas): "<CRM> <portal> <method>: what happened"
    "push.remote.busy": {
        "ru": "{where}: CRM отказывает и после {attempts} попыток ({code}) — превышен лимит запросов; "
        "повторите push позже",
        "en": "{where}: still refused after {attempts} attempts ({code})",
    },
    "push.remote.cannot_connect": {
        "ru": "{where}: не удаётся подключиться ({error})",
        "en": "{where}: cannot connect ({error})",
    },
    "push.remote.answer_lost": {
        "ru": "{where}: соединение оборвалось до ответа ({error})",
        "en": "{where}: the connection dropped before the answer ({error})",
    },
    "push.remote.keeps_dropping": {
        "ru": "{where}: соединение обрывается раз за разом ({error})",
        "en": "{where}: the connection keeps dropping ({error})",
    },
    "push.remote.webhook_url": {
        "ru": "Bitrix24: адрес вебхука должен быть вида https://PORTAL/rest/USER_ID/CODE/ ({masked})",
        "en": "Bitrix24: the webhook URL is not https://PORTAL/rest/USER_ID/CODE/ ({masked})",
    },
    "push.remote.not_a_webhook": {"ru": "это не адрес вебхука Bitrix24", "en": "not a Bitrix24 webhook URL"},
    "push.remote.webhook_refused": {
        "ru": "{where}: вебхук отклонён ({detail}); проверьте его адрес и права (crm)",
        "en": "{where}: the webhook was refused ({detail}); check its URL and permissions (crm)",
    },
    "push.remote.amocrm_url": {
        "ru": "amoCRM: crm.url должен быть вида https://SUBDOMAIN.amocrm.ru (указано {url!r})",
        "en": "amoCRM: crm.url must be https://SUBDOMAIN.amocrm.ru (got {url!r})",
    },
    "push.remote.token_refused": {
        "ru": "{where}: токен отклонён (HTTP {status}); проверьте crm.token_env",
        "en": "{where}: the token was refused (HTTP {status}); check crm.token_env",
    },
    # a record the CRM did not take, when its answer does not say why
    "push.remote.refused": {"ru": "отклонено CRM", "en": "refused"},
    "push.remote.no_answer": {"ru": "CRM ничего не ответила об этой записи", "en": "no answer for this record"},
    "export.unknown_format": {
        "ru": "--format: ожидается bitrix24 или amocrm (получено {fmt!r})",
        "en": "--format: must be bitrix24 or amocrm (got {fmt!r})",
    },
    "export.written": {
        "ru": "Файлы для импорта ({fmt}) в {out}: {files}",
        "en": "Import files ({fmt}) in {out}: {files}",
    },
    "export.out_not_dir": {
        "ru": "--out {out}: это не папка",
        "en": "--out {out}: not a folder",
    },
    # Column titles of the import files: the importers' own (Russian) titles in both languages.
    "export.crosswalk.file": {"ru": "Файл", "en": "File"},
    "export.crosswalk.row": {"ru": "Строка", "en": "Row"},
    "export.crosswalk.entity": {"ru": "Сущность", "en": "Entity"},
    "export.crosswalk.crm_id": {"ru": "ID записи в базе crm-migrate", "en": "crm-migrate record id"},
    "export.crosswalk.title": {"ru": "Название в файле", "en": "Title in the file"},
}
