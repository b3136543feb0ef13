"""Canonical field names (DESIGN §4): the vocabulary every stage speaks."""

COMPANY_FIELDS: tuple[str, ...] = (
    "name",
    "legal_name",
    "inn",
    "kpp",
    "ogrn",
    "type",
    "phone",
    "email",
    "address",
    "city",
    "website",
    "manager",
    "note",
    "key",
)
CONTACT_FIELDS: tuple[str, ...] = (
    "full_name",
    "last_name",
    "first_name",
    "middle_name",
    "position",
    "phone",
    "email",
    "note",
    "key",
)
# Fields that may hold several values and may come from several columns.
MULTI_VALUE_FIELDS: frozenset[str] = frozenset({"phone", "email"})
ENTITY_KINDS: tuple[str, ...] = ("companies", "contacts", "mixed")
COMPANY_TYPES: tuple[str, ...] = ("legal", "entrepreneur", "person")

# Provenance and bookkeeping columns carried by every record frame.
SOURCE = "_source"  # config source name
SOURCE_KEY = "_source_key"  # stable key within the source (the `key:` column, or sheet!row)
ORIGIN = "_origin"  # where a consultant finds the record: "Клиенты!12", "contacts.csv:7"
EXTRA = "_extra"  # dict of unmapped columns: travel to the CRM as custom fields
PAYLOAD = "_payload"  # dict of the whole source row, as read
ISSUES = "_issues"  # list of warnings: the record is loaded, the value is flagged

# Contact → company references (a contacts-only source names the company by key/INN/name;
# a mixed row points at the company record made from the same row).
REF_KEY = "company_ref_key"
REF_INN = "company_ref_inn"
REF_NAME = "company_ref_name"
REF_ROW = "company_ref_record"  # (source, source_key) of the company from the same row
COMPANY_RECORD = "company_record"  # (source, source_key) of the contact's company record, once resolved
CREATED_KEY_PREFIX = "ref:"  # source_key of a company made from a reference no source record answered

PROVENANCE = (SOURCE, SOURCE_KEY, ORIGIN)
QUARANTINE_COLUMNS = ("source", "source_key", "entity", "origin", "reasons", "payload")

# Columns of the CRM tables that golden records fill (DESIGN §6).
CRM_COMPANY_COLUMNS: tuple[str, ...] = (
    "name",
    "legal_name",
    "inn",
    "kpp",
    "ogrn",
    "type",
    "address",
    "city",
    "website",
    "manager",
    "note",
)
CRM_CONTACT_COLUMNS: tuple[str, ...] = (
    "full_name",
    "last_name",
    "first_name",
    "middle_name",
    "gender",
    "position",
    "note",
)
