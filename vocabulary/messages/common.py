"""Messages shared by every command."""

MESSAGES = {
    "common.interrupted": {
        "ru": "прервано; целевая база не изменена",
        "en": "interrupted; the target was not changed",
    },
    "common.bug": {
        "ru": "внутренняя ошибка {kind}: {detail} (запустите с --debug, чтобы увидеть трассировку)",
        "en": "unexpected {kind}: {detail} (run with --debug for the traceback)",
    },
}
