"""The target CRM database: why it cannot be used, read for a report, or a run in it undone."""

MESSAGES = {
    "target.error": {
        "ru": "целевая база {target}: {detail}",
        "en": "target {target}: {detail}",
    },
    "target.unreachable": {
        "ru": "целевая база {target}: сервер недоступен ({detail}); проверьте адрес, порт, пользователя и пароль",
        "en": "target {target}: cannot reach the server ({detail}); check the host, port, user and password",
    },
    "target.unknown_kind": {
        "ru": "целевая база {target}: неизвестный вид базы {kind!r} (поддерживаются sqlite, postgresql, "
        "mysql+pymysql / mariadb+pymysql)",
        "en": "target {target}: unknown kind of database {kind!r} (supported: sqlite, postgresql, "
        "mysql+pymysql / mariadb+pymysql)",
    },
    "target.not_a_url": {
        "ru": "адрес целевой базы не похож на URL базы данных (например sqlite:///crm.db)",
        "en": "the target URL is not a database URL (e.g. sqlite:///crm.db)",
    },
    "target.folder_missing": {
        "ru": "целевая база {target}: папки {folder} не существует",
        "en": "target {target}: folder {folder} does not exist",
    },
    "target.no_data": {
        "ru": "в {target} нет данных crm-migrate: сначала выполните `crm-migrate run`",
        "en": "no crm-migrate data in {target}: run `crm-migrate run` first",
    },
    "target.old_schema": {
        "ru": "схема {target} — ревизии {revision}, а этот crm-migrate читает {head}: "
        "выполните `crm-migrate run` один раз, чтобы обновить её",
        "en": "the schema of {target} is at revision {revision}, this crm-migrate reads {head}: "
        "run `crm-migrate run` once to upgrade it",
    },
    "target.no_successful_run": {
        "ru": "в {target} нет ни одного успешного запуска crm-migrate: сначала выполните `crm-migrate run`",
        "en": "no successful crm-migrate run in {target}: run `crm-migrate run` first",
    },
    "target.no_run": {
        "ru": "в {target} нет запуска {run} (все запуски — на листе runs отчёта)",
        "en": "no run {run} in {target} (the runs sheet of a report lists them)",
    },
    "target.ambiguous_run": {
        "ru": "id запуска {run} в {target} неоднозначен: укажите его длиннее",
        "en": "run id {run} is ambiguous in {target}: give more of it",
    },
    # crm-migrate undo: why there is nothing to undo
    "target.undo.no_target": {
        "ru": "целевой базы {target} нет: отменять нечего",
        "en": "target {target} does not exist: there is nothing to undo",
    },
    "target.undo.no_schema": {
        "ru": "в целевой базе {target} нет схемы crm-migrate: отменять нечего",
        "en": "target {target} has no crm-migrate schema: there is nothing to undo",
    },
    "target.undo.no_journal": {
        "ru": "целевая база {target} старше журнала отмены: её запуски отменить нельзя",
        "en": "target {target} predates the undo journal: its runs cannot be undone",
    },
    "target.undo.unknown_run": {
        "ru": "запуска {run!r} в целевой базе нет; {latest}",
        "en": "run {run!r} is not in the target; {latest}",
    },
    "target.undo.no_runs": {
        "ru": "в ней нет ни одного запуска",
        "en": "it has no runs",
    },
    "target.undo.latest_runs": {
        "ru": "последние запуски: {runs}",
        "en": "the latest runs: {runs}",
    },
    "target.undo.dry_run_mark": {
        "ru": ", пробный",
        "en": ", dry run",
    },
    "target.undo.was_dry_run": {
        "ru": "запуск {run} был пробным (--dry-run): он ничего не записал, отменять нечего",
        "en": "run {run} was a dry run: it wrote nothing, there is nothing to undo",
    },
    "target.undo.already_undone": {
        "ru": "запуск {run} уже отменён",
        "en": "run {run} is already undone",
    },
    "target.undo.not_successful": {
        "ru": "запуск {run} завершился со статусом {status}: он ничего не записал, отменять нечего",
        "en": "run {run} {status}: it wrote nothing, there is nothing to undo",
    },
    "target.schema_older": {
        "ru": "схема целевой базы старше этой версии crm-migrate; запустите один раз без --dry-run, чтобы обновить её",
        "en": "the target schema is older than this version of crm-migrate; run once without --dry-run to upgrade it",
    },
    "target.unreconciled": {
        "ru": "{count} исходных записей не попали бы ни в CRM, ни в карантин (например, {sample}); ничего не записано",
        "en": "{count} source records would be neither loaded nor quarantined (e.g. {sample}); nothing was written",
    },
}
