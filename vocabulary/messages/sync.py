"""Messages of the incremental sync from 1C: change detection, the 1C OData client, the sensor."""

MESSAGES = {
    "sync.timeout": {
        "ru": "нет ответа за {seconds} с, попыток: {attempts} — сервер 1С занят или недоступен; повторите позже "
        "или увеличьте timeout: этого источника в конфигурации",
        "en": "no answer within {seconds} s, {attempts} attempts — the 1C server is busy or unreachable; retry later "
        "or raise timeout: of this source in the config",
    },
    "sync.top_capped": {
        "ru": "{catalog}: сервер отдаёт не больше {cap} элементов за запрос (запрошено {asked}); "
        "чтение страницами по {cap}",
        "en": "{catalog}: the server answers at most {cap} elements per page (asked for {asked}); "
        "reading in pages of {cap}",
    },
    "sync.scope": {
        "ru": "сопоставляются заново {records} записей: изменённые, их возможные дубли и их группы; "
        "остальные остаются как есть",
        "en": "{records} records are matched again: the changed ones, their possible duplicates and their "
        "clusters; every other record stays as it is",
    },
    "sync.rerun_label": {"ru": "сопоставление", "en": "matching"},
    "sync.rerun_scope": {
        "ru": "с прошлой загрузки изменилось или появилось {changed} записей; сопоставлены заново {records} "
        "(с их возможными дублями и группами), остальные остались как были (crm-migrate run --full — всё заново)",
        "en": "{changed} records new or changed since the last load; {records} matched again (with their "
        "possible duplicates and clusters), every other record stays as it was (crm-migrate run --full: all again)",
    },
    "sync.delta": {
        "ru": "изменения в 1С: новых {new}, изменённых {changed}, удалённых {deleted}, без изменений {unchanged}; "
        "полностью загружено элементов: {fetched}",
        "en": "changes in 1C: {new} new, {changed} changed, {deleted} deleted, {unchanged} unchanged; "
        "elements fetched in full: {fetched}",
    },
    "sync.sensor_no_change": {
        "ru": "с последней успешной синхронизации в 1С ничего не изменилось",
        "en": "no change in 1C since the last successful sync",
    },
    "sync.sensor_running": {
        "ru": "синхронизация {run_key} ещё идёт",
        "en": "the sync {run_key} is still running",
    },
    "sync.sensor_cannot_look": {
        "ru": "не удалось заглянуть в 1С: {error}",
        "en": "cannot look at 1C: {error}",
    },
    "sync.bad_timezone": {
        "ru": "неизвестный часовой пояс {timezone!r} (пример: Europe/Moscow)",
        "en": "unknown time zone {timezone!r} (e.g. Europe/Moscow)",
    },
}
