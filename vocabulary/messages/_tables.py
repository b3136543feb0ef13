"""Helper of the catalogue's domain files (not a domain: ``_collect`` skips modules starting with ``_``)."""


def entries(prefix: str, table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """``{key: (ru, en)}`` as catalogue entries ``{prefix.key: {"ru": ru, "en": en}}``."""
    return {f"{prefix}.{key}": {"ru": ru, "en": en} for key, (ru, en) in table.items()}
