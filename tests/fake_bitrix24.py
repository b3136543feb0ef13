"""A fake Bitrix24 portal behind an inbound webhook ``/rest/USER_ID/CODE/METHOD`` (tests only).

Faithful where delivery depends on it: JSON answers ``{"result": …, "time": {…}}``; errors
``{"error", "error_description"}`` (``error`` may be empty); ``batch`` of ≤50 query-string commands
with ``result.result_error`` per command; lists of 50 with ``next``/``total`` and filters (a list
value is IN; prefixes ``>``, ``<``, ``=``, ``!``); multifields PHONE/EMAIL/WEB whose items get ids and
which *append* an item sent without ``ID`` on update (``DELETE: "Y"`` removes one); requisites and
the default presets; a leaky bucket (50, draining 2/s) answering 503 QUERY_LIMIT_EXCEEDED; 429
OPERATION_TIME_LIMIT and dropped connections on demand. Not modelled: ``$result[…]`` references
inside a batch, user fields, the `select` of related entities.
"""

from __future__ import annotations

import itertools
import json
import time

from tests.fake_saas import FakeSaas, php_params

MULTIFIELDS = ("PHONE", "EMAIL", "WEB", "IM")
PRESETS = [
    {
        "ID": "1",
        "ENTITY_TYPE_ID": "8",
        "NAME": "Организация",
        "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#",
        "ACTIVE": "Y",
    },
    {
        "ID": "2",
        "ENTITY_TYPE_ID": "8",
        "NAME": "ИП",
        "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_INDIVIDUAL#",
        "ACTIVE": "Y",
    },
    {
        "ID": "3",
        "ENTITY_TYPE_ID": "8",
        "NAME": "Физ. лицо",
        "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_PERSON#",
        "ACTIVE": "Y",
    },
]
WRITES = {"add", "update", "delete"}


class BitrixError(Exception):
    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code, self.description, self.status = code, description, status


class FakeBitrix24(FakeSaas):
    """``with FakeBitrix24() as portal: portal.webhook`` → ``http://127.0.0.1:PORT/rest/1/CODE/``."""

    def __init__(
        self, *, user_id: str = "7", code: str = "k3yw0rdSecret42", capacity: float = 50, drain: float = 2.0
    ) -> None:
        super().__init__(capacity, drain)
        self.user_id, self.code = user_id, code
        self.tables: dict[str, dict[str, dict]] = {"crm.company": {}, "crm.contact": {}, "crm.requisite": {}}
        self.refuse_titles: set[str] = set()  # crm.*.add of a record with this TITLE/NAME fails (per command)
        self._ids = {name: itertools.count(1) for name in self.tables}
        self._items = itertools.count(1)

    @property
    def webhook(self) -> str:
        return f"{self.origin}/rest/{self.user_id}/{self.code}/"

    @property
    def companies(self) -> list[dict]:
        return list(self.tables["crm.company"].values())

    @property
    def contacts(self) -> list[dict]:
        return list(self.tables["crm.contact"].values())

    @property
    def requisites(self) -> list[dict]:
        return list(self.tables["crm.requisite"].values())

    def write_count(self) -> int:
        return sum(self.writes.values())

    # -- HTTP ---------------------------------------------------------------------------------
    def _method(self, path: str) -> str | None:
        prefix = f"/rest/{self.user_id}/{self.code}/"
        return path[len(prefix) :].removesuffix(".json") if path.startswith(prefix) else None

    def is_write(self, method: str, path: str, body: bytes) -> bool:
        name = self._method(path) or ""
        if name == "batch":
            return any(c.split("?")[0].rsplit(".", 1)[-1] in WRITES for c in _json(body).get("cmd", {}).values())
        return name.rsplit(".", 1)[-1] in WRITES

    def limited(self) -> tuple[int, dict, dict]:
        return 503, {}, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}

    def time_limit_next(self, reset_in: float = 0.05, times: int = 1) -> None:
        now = time.time()
        self.busy_next(
            429,
            {
                "error": "OPERATION_TIME_LIMIT",
                "error_description": "Method is blocked due to operation time limit.",
                "time": {"start": now, "finish": now, "operating_reset_at": now + reset_in},
            },
            times=times,
        )

    def answer(self, method: str, path: str, query: str, headers: dict, body: bytes) -> tuple[int, dict, object]:
        name = self._method(path)
        if name is None:
            return 401, {}, {"error": "INVALID_CREDENTIALS", "error_description": "Invalid request credentials"}
        params = _json(body) | php_params(query)
        started = time.time()
        try:
            if name == "batch":
                result = self._batch(params)
                return 200, {}, {"result": result, "time": _time(started)}
            answer = self._call(name, params)
        except BitrixError as exc:
            return exc.status, {}, {"error": exc.code, "error_description": exc.description}
        return 200, {}, answer | {"time": _time(started)}

    def _batch(self, params: dict) -> dict:
        commands = params.get("cmd") or {}
        if len(commands) > 50:
            raise BitrixError("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
        out: dict = {"result": {}, "result_error": {}, "result_total": {}, "result_next": {}, "result_time": {}}
        for key, command in commands.items():
            method, _, query = command.partition("?")
            try:
                answer = self._call(method, php_params(query))
            except BitrixError as exc:
                out["result_error"][key] = {"error": exc.code, "error_description": exc.description}
                continue
            out["result"][key] = answer["result"]
            for field in ("total", "next"):
                if field in answer:
                    out[f"result_{field}"][key] = answer[field]
        # PHP's empty arrays are JSON lists: [] where nothing is in them
        return {k: (v if v else []) for k, v in out.items()}

    # -- methods ----------------------------------------------------------------------------------
    def _call(self, name: str, params: dict) -> dict:
        if name == "crm.requisite.preset.list":
            return {"result": PRESETS, "total": len(PRESETS)}
        table, _, verb = name.rpartition(".")
        if table not in self.tables:
            raise BitrixError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)
        rows = self.tables[table]
        if verb == "add":
            self.writes[name] += 1
            return {"result": int(self._add(table, params.get("fields") or {}))}
        if verb == "update":
            self.writes[name] += 1
            row = rows.get(str(params.get("id") or params.get("ID")))
            if row is None:
                raise BitrixError("", "Not found")
            _apply(row, params.get("fields") or {}, self._items)
            return {"result": True}
        if verb == "get":
            row = rows.get(str(params.get("id") or params.get("ID")))
            if row is None:
                raise BitrixError("", "Not found")
            return {"result": row}
        if verb == "list":
            return _page(rows.values(), params)
        raise BitrixError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)

    def _add(self, table: str, fields: dict) -> str:
        title = fields.get("TITLE") or fields.get("NAME")
        if title in self.refuse_titles:
            raise BitrixError("", f"Запись «{title}» отклонена правилами портала")
        for kind in MULTIFIELDS:
            for item in fields.get(kind) or []:
                if len(str(item.get("VALUE", ""))) > 250:
                    raise BitrixError("", f"{kind}: значение длиннее 250 символов")
        if table == "crm.requisite":
            for key in ("ENTITY_TYPE_ID", "ENTITY_ID", "PRESET_ID"):
                if not fields.get(key):
                    raise BitrixError("", f"Не указано поле {key}")
            if str(fields["ENTITY_ID"]) not in self.tables["crm.company"]:
                raise BitrixError("", f"Не найдена компания (ID: {fields['ENTITY_ID']})")
        new_id = str(next(self._ids[table]))
        row = {"ID": new_id, "DATE_CREATE": time.strftime("%Y-%m-%dT%H:%M:%S+03:00")}
        _apply(row, fields, self._items)
        self.tables[table][new_id] = row
        return new_id


def _json(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _time(started: float) -> dict:
    now = time.time()
    return {
        "start": started,
        "finish": now,
        "duration": now - started,
        "operating": 0,
        "operating_reset_at": int(now) + 600,
    }


def _apply(row: dict, fields: dict, item_ids: itertools.count) -> None:
    """Write ``fields`` into ``row``: scalars replace, multifield items by ID change/delete, without ID append."""
    for key, value in fields.items():
        if key in MULTIFIELDS:
            items = row.setdefault(key, [])
            for item in value or []:
                item_id = str(item.get("ID") or "")
                current = next((i for i in items if i["ID"] == item_id), None) if item_id else None
                if current is not None and item.get("DELETE") == "Y":
                    items.remove(current)
                elif current is not None:
                    current.update({k: str(v) for k, v in item.items() if k in ("VALUE", "VALUE_TYPE")})
                elif not item_id and item.get("VALUE"):  # Bitrix24: an item without ID is appended
                    items.append(
                        {
                            "ID": str(next(item_ids)),
                            "VALUE_TYPE": str(item.get("VALUE_TYPE") or "WORK"),
                            "VALUE": str(item["VALUE"]),
                            "TYPE_ID": key,
                        }
                    )
            if not items:
                row.pop(key)
        elif key == "COMPANY_IDS":
            row[key] = [str(v) for v in value]
            row["COMPANY_ID"] = row[key][0] if row[key] else None
        else:
            row[key] = None if value is None else str(value)


def _matches(row: dict, key: str, wanted: object) -> bool:
    op = next((p for p in (">=", "<=", "!=", ">", "<", "=", "!", "@") if key.startswith(p)), "")
    value = row.get(key[len(op) :])
    if isinstance(wanted, list) or op == "@":
        found = str(value) in {str(w) for w in (wanted if isinstance(wanted, list) else [wanted])}
        return not found if op in ("!", "!=") else found
    if op in (">", "<", ">=", "<="):
        try:
            a, b = float(value), float(wanted)
        except (TypeError, ValueError):
            return False
        return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
    same = str(value if value is not None else "") == str(wanted)
    return not same if op in ("!", "!=") else same


def _page(rows, params: dict) -> dict:
    filters = params.get("filter") or {}
    found = sorted((r for r in rows if all(_matches(r, k, v) for k, v in filters.items())), key=lambda r: int(r["ID"]))
    select = params.get("select") or ["*"]
    if isinstance(select, dict):
        select = list(select.values())

    def pick(row: dict) -> dict:
        if "*" in select:
            out = {k: v for k, v in row.items() if k not in MULTIFIELDS}
        else:
            out = {k: row.get(k) for k in select if k not in MULTIFIELDS} | {"ID": row["ID"]}
        out |= {k: row[k] for k in MULTIFIELDS if k in select and k in row}
        return out

    start = int(params.get("start") or 0)
    if start == -1:  # a scan without counting: no total, no next
        return {"result": [pick(r) for r in found[:50]]}
    page = [pick(r) for r in found[start : start + 50]]
    answer = {"result": page, "total": len(found)}
    if start + 50 < len(found):
        answer["next"] = start + 50
    return answer
