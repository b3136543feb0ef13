"""Load and validate ``migration.yaml`` (DESIGN §3).

Every problem becomes a ``ConfigError`` whose message is one line naming the
file and the key, e.g. ``migration.yaml: sources[1].kind: must be one of excel,
csv, onec_odata, onec_xml (got 'xls')``. ``${ENV_VAR}`` is expanded in every
string; secrets come only from the environment.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from connectors.urls import mask_url
from transforms.matching import Thresholds
from vocabulary.errors import UsageError
from vocabulary.fields import COMPANY_FIELDS, CONTACT_FIELDS, CRM_COMPANY_COLUMNS, CRM_CONTACT_COLUMNS
from vocabulary.messages import LANGUAGES, speaking, text

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "sample_data" / "migration.yaml"
SOURCE_KINDS = "excel, csv, onec_odata, onec_xml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConfigError(UsageError):
    """A config that cannot be used; the message is the one line shown to the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


ColumnSpec = str | list[str]


class ColumnsConfig(_Strict):
    company: dict[str, ColumnSpec] = Field(
        default_factory=dict, json_schema_extra={"propertyNames": {"enum": list(COMPANY_FIELDS)}}
    )
    contact: dict[str, ColumnSpec] = Field(
        default_factory=dict, json_schema_extra={"propertyNames": {"enum": list(CONTACT_FIELDS)}}
    )

    @field_validator("company")
    @classmethod
    def _company_fields(cls, v: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
        return _known_fields(v, COMPANY_FIELDS)

    @field_validator("contact")
    @classmethod
    def _contact_fields(cls, v: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
        return _known_fields(v, CONTACT_FIELDS)


def _known_fields(mapping: dict[str, ColumnSpec], allowed: tuple[str, ...]) -> dict[str, ColumnSpec]:
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise ValueError(text("config.unknown_field", field=unknown[0], known=", ".join(allowed)))
    return mapping


class _SourceBase(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]
    entity: Literal["companies", "contacts", "mixed"] | None = None
    key: str | None = None
    default_region: str | None = None
    columns: ColumnsConfig | None = None


class FileSource(_SourceBase):
    kind: Literal["excel", "csv", "onec_xml"]
    path: Path
    sheet: str | None = None
    encoding: str = "auto"
    delimiter: str = "auto"

    @model_validator(mode="after")
    def _options_fit_kind(self) -> FileSource:
        if self.kind != "csv" and (self.encoding != "auto" or self.delimiter != "auto"):
            raise ValueError(text("config.csv_only", kind=self.kind))
        if self.kind != "excel" and self.sheet is not None:
            raise ValueError(text("config.excel_only", kind=self.kind))
        return self


class ODataSource(_SourceBase):
    kind: Literal["onec_odata"]
    url: str
    user: str | None = None
    password_env: str | None = None
    timeout: float = Field(default=60, gt=0, le=3600)  # seconds per request, each retried with backoff
    page_size: int = Field(default=1000, ge=10, le=100_000)  # elements per request

    def password(self) -> str | None:
        """The password from the environment variable the config names (secrets never live in the file)."""
        if self.password_env is None:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise ConfigError(
                text("config.env_not_set", where=f"sources {self.name}: password_env", env=self.password_env)
            )
        return value


Source = Annotated[FileSource | ODataSource, Field(discriminator="kind")]


class TargetConfig(_Strict):
    url: str

    @field_validator("url")
    @classmethod
    def _parseable(cls, v: str) -> str:
        try:
            make_url(v)
        except ArgumentError:
            raise ValueError(text("config.not_database_url", url=mask_url(v))) from None
        return v


class _Thresholds(_Strict):
    """Match probabilities of the Fellegi–Sunter model for one entity (README «Matching»)."""

    @model_validator(mode="after")
    def _ordered(self) -> _Thresholds:
        if self.review > self.auto_merge:
            raise ValueError(text("config.review_above_auto_merge", review=self.review, auto_merge=self.auto_merge))
        return self

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(review=self.review, auto_merge=self.auto_merge)


class ContactThresholds(_Thresholds):
    """People's own thresholds (``matching.contacts``): a person merges automatically only with the
    caps' corroboration (the same company, a personal channel…), so a lower probability suffices."""

    # From this probability a pair of contact records goes to the review queue.
    review: float = Field(default=0.5, gt=0, lt=1)
    # From this probability a pair of contact records merges without review.
    auto_merge: float = Field(default=0.93, gt=0, lt=1)


class MatchingConfig(_Thresholds):
    """Duplicate detection (README «Matching»): match probabilities of the Fellegi–Sunter model.

    The only place the defaults are defined; the matcher takes them from this object.
    ``review`` and ``auto_merge`` are the companies'; ``contacts`` holds the people's.
    """

    # From this probability a pair goes to the review queue (when no rule settles it).
    review: float = Field(default=0.5, gt=0, lt=1)
    # From this probability a pair merges without review (when the caps and hard rules allow).
    auto_merge: float = Field(default=0.96, gt=0, lt=1)
    # The same two for contact records.
    contacts: ContactThresholds = Field(default_factory=ContactThresholds)
    # Per field, which source record's value the golden record keeps (transforms/golden.py);
    # a field not named here: source_priority (the order of `sources:`).
    survivorship: dict[str, Literal["source_priority", "most_complete", "most_recent", "valid"]] = Field(
        default_factory=lambda: {"legal_name": "most_complete", "address": "most_complete"}
    )

    @field_validator("survivorship")
    @classmethod
    def _known_survivorship_fields(cls, v: dict[str, str]) -> dict[str, str]:
        return _known_fields(v, tuple(dict.fromkeys(CRM_COMPANY_COLUMNS + CRM_CONTACT_COLUMNS)))


# -- crm: the SaaS CRM golden records are delivered into (`push`, DESIGN §3) --------------------
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _secret(env: str, key: str) -> str:
    value = os.environ.get(env, "").strip()
    if not value:
        raise ConfigError(text("config.env_not_set", where=f"crm.{key}", env=env))
    return value


class Bitrix24CrmConfig(_Strict):
    kind: Literal["bitrix24"]
    url_env: Annotated[str, Field(pattern=_ENV_NAME)]  # holds the inbound webhook https://PORTAL/rest/USER_ID/CODE/

    def webhook(self) -> str:
        return _secret(self.url_env, "url_env")


class AmoCrmConfig(_Strict):
    kind: Literal["amocrm"]
    url: Annotated[str, Field(pattern=r"^https?://[^/\s]+/?$")]  # https://SUBDOMAIN.amocrm.ru
    token_env: Annotated[str, Field(pattern=_ENV_NAME)]  # holds the long-lived token

    def token(self) -> str:
        return _secret(self.token_env, "token_env")


CrmConfig = Annotated[Bitrix24CrmConfig | AmoCrmConfig, Field(discriminator="kind")]


class PrivacyConfig(_Strict):
    """What of the client's data may appear in Dagster's metadata (the UI and its event log)."""

    previews: bool = True  # false: counts and schemas only, no sample rows


class SyncConfig(_Strict):
    """When the nightly sync runs: a cron expression in ``timezone`` (the client's, not the server's)."""

    cron: Annotated[str, Field(pattern=r"^\S+(\s+\S+){4}$")] = "0 2 * * *"
    timezone: str = "Europe/Moscow"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(text("sync.bad_timezone", timezone=v)) from None
        return v


class MigrationConfig(_Strict):
    name: str
    default_region: str = "RU"
    target: TargetConfig
    sources: list[Source] = Field(min_length=1)
    matching: MatchingConfig = Field(default_factory=MatchingConfig)
    # A run that would soft-delete more than this share of a source's live records stops (--allow-deletes).
    max_delete_share: float = Field(default=0.1, ge=0, le=1)
    sync: SyncConfig = Field(default_factory=SyncConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    language: Literal["ru", "en"] = "ru"  # messages, quarantine reasons, report and review texts
    # Each run writes its data-quality workbook here (relative to the config; null: none; `report` makes one any time).
    report_dir: Path | None = Path("reports")
    crm: CrmConfig | None = None
    # Set by load_config, never read from the file (an unknown key there is an error).
    base_dir: Path = Field(default=Path("."), exclude=True)
    config_path: Path = Field(default=Path("migration.yaml"), exclude=True)

    @model_validator(mode="after")
    def _unique_source_names(self) -> MigrationConfig:
        seen: set[str] = set()
        for s in self.sources:
            if s.name in seen:
                raise ValueError(text("config.source_twice", name=s.name))
            seen.add(s.name)
        return self

    def source(self, name: str) -> FileSource | ODataSource:
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(
            text("config.no_source", path=self.config_path, name=name, sources=", ".join(s.name for s in self.sources))
        )

    def resolve(self, path: Path) -> Path:
        """A path from the config, relative to the config file's folder."""
        return path if path.is_absolute() else self.base_dir / path

    def target_url(self, override: str | None = None) -> str:
        """The target URL, with a relative SQLite path resolved against the config folder."""
        url = make_url(_expand_env(override, "--target") if override else self.target.url)
        if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
            db = Path(url.database)
            if not db.is_absolute() and not override:
                url = url.set(database=str(self.base_dir / db))
        return url.render_as_string(hide_password=False)


def _url_escaped_until(template: str) -> tuple[int, int]:
    """In a URL template: where its user:password part ends, and where its query starts (-1: none)."""
    if "://" not in template:
        return -1, -1
    start = template.index("://") + 3
    authority = re.split(r"[/?]", template[start:], maxsplit=1)[0]
    at = authority.rfind("@")
    return (start + at if at >= 0 else -1), template.find("?", start)


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of migration.yaml for editors (``docs/migration.schema.json``): the models above,
    without the fields ``load_config`` sets itself."""
    schema = MigrationConfig.model_json_schema()
    for internal in ("base_dir", "config_path"):
        schema["properties"].pop(internal, None)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": "crm-migrate migration.yaml"}


def config_json_schema_text() -> str:
    """``config_json_schema()`` as the committed file holds it (regenerate: see README, "init")."""
    return json.dumps(config_json_schema(), ensure_ascii=False, indent=2) + "\n"


def _expand_env(value: str, where: str) -> str:
    """``${VAR}`` replaced by its value; inside a URL's user, password or query it is percent-encoded,
    so a password holding ``@``, ``:`` or ``/`` stays a password (and is masked whole)."""
    userinfo_end, query_start = _url_escaped_until(value)

    def repl(m: re.Match[str]) -> str:
        if m.group(1) not in os.environ:
            raise ConfigError(text("config.env_not_set", where=where, env=m.group(1)))
        found = os.environ[m.group(1)]
        in_url_part = m.start() < userinfo_end or 0 <= query_start < m.start()
        return quote(found, safe="") if in_url_part else found

    return _ENV_REF.sub(repl, value)


def _expand_all(node: Any, where: str) -> Any:
    if isinstance(node, str):
        return _expand_env(node, where)
    if isinstance(node, dict):
        return {k: _expand_all(v, f"{where}.{k}" if where else str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_expand_all(v, f"{where}[{i}]") for i, v in enumerate(node)]
    return node


def _describe(error: dict[str, Any], raw: dict[str, Any]) -> str:
    """One readable phrase for a pydantic error: location and what is wrong."""
    loc = [
        p
        for p in error["loc"]
        if not (
            isinstance(p, str)
            and p in {"FileSource", "ODataSource"}
            or p in ("excel", "csv", "onec_xml", "onec_odata", "bitrix24", "amocrm")
        )
    ]
    where = ""
    for p in loc:
        where += f"[{p}]" if isinstance(p, int) else (f".{p}" if where else str(p))
    if where.startswith("sources[") and isinstance(loc[1], int):
        try:
            where = where.replace(f"sources[{loc[1]}]", f"sources[{loc[1]}] ({raw['sources'][loc[1]]['name']})", 1)
        except (KeyError, IndexError, TypeError):
            pass
    kind = error["type"]
    if kind == "extra_forbidden":
        msg = text("config.unknown_key")
    elif kind == "missing":
        msg = text("config.missing_key")
    elif kind in ("union_tag_invalid", "union_tag_not_found") and loc and loc[0] == "crm":
        msg = text("config.crm_kind")
    elif kind == "union_tag_invalid":
        msg = "kind: " + text("bad_input.config_not_one_of", value=error["ctx"]["tag"], allowed=SOURCE_KINDS)
    elif kind == "union_tag_not_found":
        msg = text("bad_input.config_kind_missing", allowed=SOURCE_KINDS)
    elif kind == "literal_error":
        allowed = ", ".join(re.findall(r"'([^']*)'", error["ctx"]["expected"]))
        msg = text("bad_input.config_not_one_of", value=error["input"], allowed=allowed)
    else:
        msg = _pydantic_phrase(error)
    return f"{where}: {msg}" if where else msg


_LIMITS = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}
_SHAPES = {
    "string_type": "config.text",
    "dict_type": "config.mapping",
    "model_type": "config.mapping",
    "list_type": "config.list",
}


def _pydantic_phrase(error: dict[str, Any]) -> str:
    """pydantic's message for the checks a consultant meets, in the current language; its own English otherwise."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind in _LIMITS:
        limit = ctx[_LIMITS[kind]]
        return text(f"config.{kind}", limit=f"{limit:g}" if isinstance(limit, float) else limit)
    if kind in ("int_parsing", "float_parsing", "int_from_float", "int_type", "float_type"):
        return text("config.number", value=value)
    if kind in ("bool_parsing", "bool_type"):
        return text("config.yes_no", value=value)
    if kind in _SHAPES:
        return text(_SHAPES[kind])
    if kind == "too_short" and "min_length" in ctx:
        return text("config.too_short", min=ctx["min_length"])
    if kind == "string_pattern_mismatch":
        return text("config.pattern", value=value, pattern=ctx["pattern"])
    return error["msg"].removeprefix("Value error, ")


def load_config(path: str | Path) -> MigrationConfig:
    """Parse, expand and validate ``path``; check that every source file exists."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(text("config.file_not_found", path=path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ConfigError(
            text("config.not_yaml", path=path) if line is None else text("config.not_yaml_at", path=path, line=line + 1)
        ) from None
    if not isinstance(raw, dict):
        raise ConfigError(text("config.not_mapping", path=path))
    language = raw.get("language")
    # what is wrong past this point is said in the language the config asks for (when it is one we speak)
    with speaking(language) if isinstance(language, str) and language in LANGUAGES else nullcontext():
        return _validated(path, raw)


def _validated(path: Path, raw: dict[str, Any]) -> MigrationConfig:
    """The config ``raw`` read from ``path``: ``${ENV}`` expanded, validated, source files and secrets there."""
    try:
        expanded = _expand_all(raw, "")
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        reserved = {"base_dir", "config_path"} & set(expanded)
        if reserved:
            raise ConfigError(f"{path}: {sorted(reserved)[0]}: {text('config.unknown_key')}")
        config = MigrationConfig.model_validate(expanded).model_copy(
            update={"base_dir": path.resolve().parent, "config_path": path}
        )
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc.errors()[0], raw)}") from None
    for i, source in enumerate(config.sources):
        if isinstance(source, FileSource) and not config.resolve(source.path).is_file():
            raise ConfigError(
                text(
                    "config.file_missing",
                    where=f"{path}: sources[{i}] ({source.name}).path",
                    file=config.resolve(source.path),
                )
            )
        if isinstance(source, ODataSource) and source.password_env and source.password_env not in os.environ:
            raise ConfigError(
                text(
                    "config.env_not_set",
                    where=f"{path}: sources[{i}] ({source.name}).password_env",
                    env=source.password_env,
                )
            )
    return config
