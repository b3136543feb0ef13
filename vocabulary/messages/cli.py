"""Result lines and usage errors of the CLI commands not covered by their own domain (review, sync)."""

MESSAGES = {
    "cli.review.exported": {
        "ru": "пар, ожидающих решения: {count}; записаны в {out} (лист 'review'); заполните столбец 'decision' "
        "словами same/different (или да/нет), затем: crm-migrate review import --config {config} {out}",
        "en": "{count} pairs awaiting a decision written to {out} (sheet 'review'); fill in column 'decision' "
        "with same/different, then: crm-migrate review import --config {config} {out}",
    },
    "cli.review.imported": {
        "ru": "решений прочитано из {file}: {read} (новых: {added}, изменённых: {changed}, без изменений: "
        "{unchanged}); сохранены в {target}. Они применятся при следующем `crm-migrate run --config {config}`.",
        "en": "{read} decisions read from {file}: {added} new, {changed} changed, {unchanged} unchanged; "
        "stored in {target}. They apply from the next `crm-migrate run --config {config}`.",
    },
    "cli.sync.not_onec": {
        "ru": "--source {name}: это источник вида {kind}; sync следит только за источниками 1С ({kinds}), "
        "для файлов используйте `crm-migrate run`",
        "en": "--source {name}: is a {kind} source; sync follows 1C sources ({kinds}), use `crm-migrate run` for files",
    },
    "cli.sync.no_onec": {
        "ru": "{config}: нет источника 1С (kind onec_odata или onec_xml), за которым мог бы следить sync; "
        "используйте `crm-migrate run`",
        "en": "{config}: no 1C source (kind onec_odata or onec_xml) to sync; use `crm-migrate run`",
    },
    # what the workbooks are written with (connectors.xlsx_writer)
    "cli.output.no_folder": {
        "ru": "не удаётся записать {path}: папки {folder} не существует",
        "en": "cannot write {path}: folder {folder} does not exist",
    },
    "cli.output.cannot_write": {
        "ru": "не удаётся записать {path}: {detail}",
        "en": "cannot write {path}: {detail}",
    },
}
