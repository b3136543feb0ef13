"""Messages of a target CRM people already work in: conflicts, guards, locks, undo, schema ownership."""

MESSAGES = {
    "live_crm.foreign_tables": {
        "ru": "целевая база {target} уже содержит таблицы {tables}, созданные не crm-migrate: "
        "укажите пустую базу или отдельную схему",
        "en": "target {target} already has tables {tables} that crm-migrate did not create: "
        "use an empty database or a schema of its own",
    },
    "live_crm.lock_waiting": {
        "ru": "целевая база {target} занята другой командой crm-migrate; жду до {seconds} с…",
        "en": "target {target} is in use by another crm-migrate command; waiting up to {seconds} s…",
    },
    "live_crm.lock_timeout": {
        "ru": "целевая база {target} занята другой командой crm-migrate больше {seconds} с; ничего не записано "
        "(повторите позже или увеличьте --wait)",
        "en": "target {target} was still in use by another crm-migrate command after {seconds} s; nothing was "
        "written (try again later or raise --wait)",
    },
    "live_crm.bulk_delete": {
        "ru": "источник {source}: запуск удалил бы {count} из {live} записей ({share}%, больше max_delete_share "
        "{limit}%); ничего не записано. Если источник действительно сократился: --allow-deletes",
        "en": "source {source}: the run would soft-delete {count} of its {live} live records ({share}%, more than "
        "max_delete_share {limit}%); nothing was written. If the source really shrank: --allow-deletes",
    },
    "live_crm.summary_conflicts": {
        "ru": "Конфликты: {n} (поле изменили и в CRM, и в источнике; оставлено значение из CRM — "
        "crm-migrate report, лист conflicts)",
        "en": "Conflicts: {n} (changed both in the CRM and in the source; the CRM value was kept — "
        "crm-migrate report, sheet conflicts)",
    },
    "live_crm.summary_crm_kept": {
        "ru": "Изменения пользователей CRM сохранены: {fields} полей; "
        "удалённые в CRM записи не восстановлены: {deleted}",
        "en": "CRM users' edits kept: {fields} fields; records deleted in the CRM left deleted: {deleted}",
    },
    "live_crm.summary_identity": {
        "ru": "Записи по номеру строки сменили владельца: {n} (строки вставлены или удалены в середине); "
        "созданы как новые. Укажите key: для {sources}, чтобы связи не зависели от положения строк",
        "en": "Records keyed by row position changed identity: {n} (rows inserted or removed in the middle); "
        "loaded as new records. Set key: for {sources} so links do not depend on row positions",
    },
    "live_crm.summary_incomplete": {
        "ru": "Источник прочитан не полностью, удаления пропущены: {sources}",
        "en": "Read incompletely, so nothing of theirs was deleted: {sources}",
    },
    "live_crm.diff_needs_dry_run": {
        "ru": "--diff FILE работает вместе с --dry-run (это предпросмотр запуска)",
        "en": "--diff FILE goes with --dry-run (it previews a run)",
    },
    "live_crm.diff_written": {
        "ru": "Изменения по записям: {path} ({n} строк)",
        "en": "Per-record changes: {path} ({n} rows)",
    },
    "live_crm.undo_refused": {
        "ru": "запуск {run}: {n} записанных им строк изменены позже ({changes}); отмена не выполнена, "
        "--force отменит запуск всё равно (чужие изменения этих строк будут потеряны)",
        "en": "run {run}: {n} rows it wrote were changed since ({changes}); nothing was undone, "
        "--force undoes the run anyway (losing those later changes)",
    },
    "live_crm.undo_change": {
        "ru": "{table} {key}: {fields} — {who}",
        "en": "{table} {key}: {fields} by {who}",
    },
    "live_crm.undo_crm_user": {"ru": "пользователь CRM", "en": "a CRM user"},
    "live_crm.undo_later_run": {"ru": "запуск {run}", "en": "run {run}"},
    "live_crm.undo_deleted": {"ru": "строка удалена", "en": "row deleted"},
    "live_crm.undo_rewritten": {"ru": "строка записана заново", "en": "row written again"},
    "live_crm.undo_more": {"ru": "и ещё {n}", "en": "and {n} more"},
    "live_crm.undo_done": {
        "ru": "Запуск {run} отменён. Целевая база {target}: его записи возвращены к прежнему виду.",
        "en": "Undone run {run}. In the target {target} its writes are as they were before it.",
    },
    "live_crm.undo_preview": {
        "ru": "Предпросмотр отмены запуска {run} (ничего не изменено):",
        "en": "Undo preview of run {run} (nothing changed):",
    },
    "live_crm.undo_table": {
        "ru": "  {table}: удалить {removed}, вернуть {restored}, откатить {reverted}",
        "en": "  {table}: {removed} removed, {restored} put back, {reverted} reverted",
    },
    "live_crm.undo_would_refuse": {
        "ru": "  без --force отмена будет отклонена: {detail}",
        "en": "  without --force the undo is refused: {detail}",
    },
    "live_crm.database_error": {
        "ru": "целевая база {target}: {detail}; ничего не изменено",
        "en": "target {target}: {detail}; nothing was changed",
    },
    "diff.action": {"ru": "действие", "en": "action"},
    "diff.entity": {"ru": "сущность", "en": "entity"},
    "diff.crm_id": {"ru": "id в CRM", "en": "crm_id"},
    "diff.name": {"ru": "название", "en": "name"},
    "diff.sources": {"ru": "записи источников", "en": "source records"},
    "diff.fields": {"ru": "поля", "en": "fields"},
    "diff.before": {"ru": "было", "en": "before"},
    "diff.after": {"ru": "станет", "en": "after"},
    "diff.create": {"ru": "создать", "en": "create"},
    "diff.update": {"ru": "обновить", "en": "update"},
    "diff.delete": {"ru": "удалить (мягко)", "en": "soft-delete"},
    "diff.merge": {"ru": "объединить", "en": "merge"},
    "diff.conflict": {"ru": "конфликт", "en": "conflict"},
}
