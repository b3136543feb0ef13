"""Messages shared by every command."""

MESSAGES = {
    "common.interrupted": {
        "ru": "прервано; целевая база не изменена",
        "en": "interrupted; the target was not changed",
    },
    "common.check_failed": {
        "ru": "проверка перед загрузкой не пройдена ({checks}); целевая база не изменена — строки, "
        "из-за которых она не прошла, видны в метаданных проверки (make ui)",
        "en": "a check before the load failed ({checks}); the target was not changed — the rows that failed it "
        "are in the check's metadata (make ui)",
    },
    "common.bug": {
        "ru": "внутренняя ошибка {kind}: {detail} (запустите с --debug, чтобы увидеть трассировку)",
        "en": "unexpected {kind}: {detail} (run with --debug for the traceback)",
    },
}
