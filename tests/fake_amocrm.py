"""A fake amoCRM account, API v4 (``/api/v4/companies``, ``/contacts``, ``…/custom_fields``, ``…/link``).

Faithful where delivery depends on it: ``Authorization: Bearer`` (401 otherwise); POST/PATCH of JSON
arrays (at most 250 here as there), answers in ``_embedded`` with each item's ``request_id``; one
invalid item refuses the whole request with 400 ``validation-errors``; PATCH replaces the values of
each custom field it names; the system fields PHONE/EMAIL (enum codes), POSITION, WEB, ADDRESS;
lists page by ``page``/``limit`` with ``_links.next``, 204 when empty, ``query`` searches names and
field values; 7 requests per second, then 429; dropped connections and lost answers on demand.
"""

from __future__ import annotations

import itertools
import json
import re
from urllib.parse import parse_qsl

from tests.fake_saas import FakeSaas

ENUMS = {"PHONE": ["WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"], "EMAIL": ["WORK", "PRIV", "OTHER"]}
SYSTEM_FIELDS = {
    "contacts": [("PHONE", "Телефон", "multitext"), ("EMAIL", "Email", "multitext"), ("POSITION", "Должность", "text")],
    "companies": [
        ("PHONE", "Телефон", "multitext"),
        ("EMAIL", "Email", "multitext"),
        ("WEB", "Web", "url"),
        ("ADDRESS", "Адрес", "textarea"),
    ],
}


class FakeAmoCrm(FakeSaas):
    """``with FakeAmoCrm() as amo: amo.url`` → ``http://127.0.0.1:PORT`` (the account's base URL)."""

    def __init__(self, *, token: str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token", rate: float = 7) -> None:
        super().__init__(capacity=rate, drain=rate)
        self.token = token
        self.records: dict[str, dict[int, dict]] = {"companies": {}, "contacts": {}}
        self.links: set[tuple[int, int]] = set()  # (contact id, company id)
        self.refuse_names: set[str] = set()  # an item with this name fails validation (the whole request is refused)
        self.fields: dict[str, list[dict]] = {"companies": [], "contacts": []}
        self._ids = itertools.count(1000)
        self._field_ids = itertools.count(1)
        for entity, fields in SYSTEM_FIELDS.items():
            for code, name, kind in fields:
                self._add_field(entity, {"name": name, "code": code, "type": kind}, system=True)

    @property
    def url(self) -> str:
        return self.origin

    @property
    def companies(self) -> list[dict]:
        return list(self.records["companies"].values())

    @property
    def contacts(self) -> list[dict]:
        return list(self.records["contacts"].values())

    def write_count(self) -> int:
        return sum(self.writes.values())

    def limited(self) -> tuple[int, dict, dict]:
        return 429, {}, {"title": "Too Many Requests", "status": 429}

    def too_many_next(self, retry_after: float = 0.05, times: int = 1) -> None:
        self.busy_next(429, {"title": "Too Many Requests", "status": 429}, {"Retry-After": retry_after}, times=times)

    def is_write(self, method: str, path: str, body: bytes) -> bool:
        return method in ("POST", "PATCH")

    # -- HTTP ---------------------------------------------------------------------------------
    def answer(self, method: str, path: str, query: str, headers: dict, body: bytes) -> tuple[int, dict, object]:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if auth != f"Bearer {self.token}":
            return 401, {}, {"title": "Unauthorized", "status": 401, "detail": "Invalid access token"}
        route = path.removeprefix("/api/v4/").strip("/").split("/")
        data = json.loads(body) if body else None
        params = parse_qsl(query, keep_blank_values=True)
        entity = route[0]
        if entity not in self.records:
            return 404, {}, {"title": "Not Found", "status": 404}
        if route[1:] == ["custom_fields"]:
            if method == "GET":
                return self._list(self.fields[entity], params, "custom_fields")
            self.writes["custom_fields"] += 1
            return 200, {}, {"_embedded": {"custom_fields": [self._add_field(entity, f) for f in data]}}
        if entity == "contacts" and (route[1:] == ["link"] or (len(route) == 3 and route[2] == "link")):
            return self._link(data, int(route[1]) if len(route) == 3 else None)
        if len(route) != 1:
            return 404, {}, {"title": "Not Found", "status": 404}
        if method == "GET":
            return self._list(self._search(entity, params), params, entity)
        return self._write(method, entity, data)

    def _add_field(self, entity: str, field: dict, system: bool = False) -> dict:
        made = {
            "id": next(self._field_ids),
            "name": field["name"],
            "code": field.get("code"),
            "type": field.get("type", "text"),
            "is_api_only": False,
            "sort": field.get("sort", 500),
            "enums": [{"id": n, "value": v} for n, v in enumerate(ENUMS.get(field.get("code"), []), 1)] or None,
            "_system": system,
        }
        self.fields[entity].append(made)
        return {k: v for k, v in made.items() if k != "_system"}

    def _search(self, entity: str, params: list[tuple[str, str]]) -> list[dict]:
        rows = list(self.records[entity].values())
        query = dict(params).get("query")
        ids = {int(v) for k, v in params if re.fullmatch(r"filter\[id\](\[\d*\])?", k)}
        if ids:
            rows = [r for r in rows if r["id"] in ids]
        if query:
            rows = [r for r in rows if query.lower() in json.dumps(r, ensure_ascii=False).lower()]
        return rows

    def _list(self, rows: list[dict], params: list[tuple[str, str]], key: str) -> tuple[int, dict, object]:
        args = dict(params)
        page, limit = int(args.get("page", 1)), min(int(args.get("limit", 50)), 250)
        chunk = rows[(page - 1) * limit : page * limit]
        if not chunk:
            return 204, {}, None
        links = {"self": {"href": f"/api/v4/{key}?page={page}"}}
        if page * limit < len(rows):
            links["next"] = {"href": f"/api/v4/{key}?page={page + 1}"}
        clean = [{k: v for k, v in r.items() if k != "_system"} for r in chunk]
        return 200, {}, {"_page": page, "_links": links, "_embedded": {key: clean}}

    # -- writes -----------------------------------------------------------------------------------
    def _write(self, method: str, entity: str, items: object) -> tuple[int, dict, object]:
        if not isinstance(items, list) or not items or len(items) > 250:
            return 400, {}, {"title": "Bad Request", "status": 400, "detail": "an array of 1 to 250 items"}
        problems = []
        for n, item in enumerate(items):
            errors = self._validate(method, entity, item)
            if errors:
                problems.append({"request_id": str(item.get("request_id", n)), "errors": errors})
        if problems:  # amoCRM refuses the whole request
            return (
                400,
                {},
                {
                    "validation-errors": problems,
                    "title": "Bad Request",
                    "status": 400,
                    "detail": "Request validation failed",
                },
            )
        out = []
        for item in items:
            self.writes[f"{method} {entity}"] += 1
            if method == "POST":
                record = {"id": next(self._ids), "name": item.get("name", ""), "custom_fields_values": None}
                self.records[entity][record["id"]] = record
            else:
                record = self.records[entity][int(item["id"])]
            for key in ("name", "first_name", "last_name"):
                if key in item:
                    record[key] = item[key]
            self._set_values(entity, record, item.get("custom_fields_values") or [])
            out.append(
                {
                    "id": record["id"],
                    "request_id": item.get("request_id"),
                    "_links": {"self": {"href": f"/api/v4/{entity}/{record['id']}"}},
                }
            )
        return 200, {}, {"_links": {"self": {"href": f"/api/v4/{entity}"}}, "_embedded": {entity: out}}

    def _field(self, entity: str, entry: dict) -> dict | None:
        return next(
            (
                f
                for f in self.fields[entity]
                if f["id"] == entry.get("field_id")
                or (entry.get("field_code") and f["code"] == entry.get("field_code"))
            ),
            None,
        )

    def _validate(self, method: str, entity: str, item: dict) -> list[dict]:
        errors = []
        if method == "PATCH" and int(item.get("id") or 0) not in self.records[entity]:
            errors.append({"code": "NotFound", "path": "id", "detail": "Entity not found"})
        if item.get("name") in self.refuse_names:
            errors.append({"code": "NotSupportedChoice", "path": "name", "detail": "This value is not allowed."})
        if method == "POST" and not str(item.get("name", "")).strip():
            errors.append({"code": "NotSupportedChoice", "path": "name", "detail": "This value should not be blank."})
        for n, entry in enumerate(item.get("custom_fields_values") or []):
            field = self._field(entity, entry)
            if field is None:
                errors.append(
                    {
                        "code": "NotSupportedChoice",
                        "path": f"custom_fields_values.{n}.field_id",
                        "detail": "The value you selected is not a valid choice.",
                    }
                )
                continue
            for value in entry.get("values") or []:
                if field["enums"] and value.get("enum_code") not in {e["value"] for e in field["enums"]}:
                    errors.append(
                        {
                            "code": "NotSupportedChoice",
                            "path": f"custom_fields_values.{n}.values.enum_code",
                            "detail": "The value you selected is not a valid choice.",
                        }
                    )
                if field["code"] == "EMAIL" and "@" not in str(value.get("value")):
                    errors.append(
                        {
                            "code": "InvalidEmail",
                            "path": f"custom_fields_values.{n}.values.value",
                            "detail": "This value is not a valid email address.",
                        }
                    )
        return errors

    def _set_values(self, entity: str, record: dict, entries: list[dict]) -> None:
        """PATCH semantics: each named field gets exactly the values sent (others are kept)."""
        current = {v["field_id"]: v for v in record.get("custom_fields_values") or []}
        for entry in entries:
            field = self._field(entity, entry)
            enums = {e["value"]: e["id"] for e in field["enums"] or []}
            values = [
                {"value": v["value"]}
                | ({"enum_code": v["enum_code"], "enum_id": enums[v["enum_code"]]} if v.get("enum_code") else {})
                for v in entry.get("values") or []
            ]
            if values:
                current[field["id"]] = {
                    "field_id": field["id"],
                    "field_name": field["name"],
                    "field_code": field["code"],
                    "field_type": field["type"],
                    "values": values,
                }
            else:
                current.pop(field["id"], None)
        record["custom_fields_values"] = list(current.values()) or None

    def _link(self, items: list[dict], contact_id: int | None) -> tuple[int, dict, object]:
        done = []
        for item in items:
            contact = contact_id or int(item["entity_id"])
            company = int(item["to_entity_id"])
            if (
                item.get("to_entity_type") != "companies"
                or contact not in self.records["contacts"]
                or company not in self.records["companies"]
            ):
                return 400, {}, {"title": "Bad Request", "status": 400, "detail": "entity not found"}
            self.writes["link"] += 1
            self.links.add((contact, company))
            done.append(
                {
                    "entity_id": contact,
                    "entity_type": "contacts",
                    "to_entity_id": company,
                    "to_entity_type": "companies",
                    "metadata": None,
                }
            )
        return 200, {}, {"_total_items": len(done), "_embedded": {"links": done}}
