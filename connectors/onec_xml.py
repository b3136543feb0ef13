"""Stream the counterparty and contact person elements of 1C exchange files (CommerceML 2.x, EnterpriseData).

I/O only: which format the file is, its elements as plain ``XmlNode`` trees, and one-line
``SourceError``s. What the elements mean (fields, channel kinds, addresses, company type,
repeated records) is ``transforms.onec_xml_mapping``.

The format is recognised from the root element, never from the file name:

* ``КоммерческаяИнформация`` (CommerceML 2.0x–2.10, with or without the ``urn:1C.ru:commerceml_2``
  namespace): every ``Контрагенты/Контрагент`` is a counterparty — in a ``Классификатор``, at the
  top level, or inside a ``Документ`` (orders from a site, also inside ``Контейнер``); its contact
  persons are inside it (``Представители/Представитель``).
* ``Message`` (the ``http://www.1c.ru/SSL/Exchange/Message`` envelope whose ``Body`` is in an
  ``http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.x`` namespace): ``Справочник.Контрагенты`` and
  ``Справочник.КонтактныеЛица*`` objects.

The file is streamed through expat (what ``ElementTree.iterparse`` wraps) so a 500 MB export needs
memory for one counterparty at a time: elements outside a counterparty are never built. expat is
driven directly rather than through ``iterparse`` because only the parser knows the line of an
element (a consultant finds a record by ``orders.xml: Контрагент «…» (line 120)``) and only
there can entity declarations be refused outright: 1C never writes a DTD, so a file that declares
entities (billion laughs, external entities) is rejected whatever the expat version. expat itself
never fetches external entities or DTDs and, since 2.4.0, stops entity amplification.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from xml.parsers import expat

from connectors.errors import SourceError, reading
from vocabulary.messages import text as message
from vocabulary.onec import ExchangeElement, XmlNode

CHUNK_BYTES = 1 << 16  # expat buffers about twice what it is fed at once
MAX_DEPTH = 256  # real exchange files nest < 20 levels; deeper means a crafted file
_TRUNCATION_CODES = frozenset(
    expat.errors.codes[m]
    for m in (
        expat.errors.XML_ERROR_NO_ELEMENTS,
        expat.errors.XML_ERROR_UNCLOSED_TOKEN,
        expat.errors.XML_ERROR_PARTIAL_CHAR,
        expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
)
Wants = Callable[[list[str], str, str], bool]  # (open ancestors, namespace, tag) → build this element?


class _Refused(Exception):
    """The file is not something a 1C exchange file can be (entities, absurd nesting, wrong root)."""


def _local_names(attrs: dict[str, str]) -> dict[str, str]:
    return {name.rpartition("}")[2]: value for name, value in attrs.items()}


class _Scanner:
    """Feeds bytes to expat and builds only the subtrees ``wants`` selects; namespaces are dropped.

    Outside a wanted subtree an element costs a stack push and pop: its text is not even
    handed to Python (the character-data handler is attached only while a subtree is built).
    """

    def __init__(self, on_root: Callable[[str, str, dict[str, str]], Wants]) -> None:
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.EntityDeclHandler = self._entity
        self.on_root = on_root
        self.wants: Wants | None = None
        self.stack: list[str] = []
        self.open: list[XmlNode] = []  # the wanted subtree being built, root first
        self.record_depth = 0
        self.ready: list[XmlNode] = []

    def records(self, chunks: Iterable[bytes]) -> Iterator[XmlNode]:
        for chunk in chunks:
            self.parser.Parse(chunk, False)
            yield from self._take()
        self.parser.Parse(b"", True)
        yield from self._take()

    def _take(self) -> list[XmlNode]:
        ready, self.ready = self.ready, []
        return ready

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        uri, _, tag = name.rpartition("}")
        if self.wants is None:
            self.wants = self.on_root(uri, tag, _local_names(attrs))
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(message("sources.xml.too_deep", depth=MAX_DEPTH, line=self.parser.CurrentLineNumber))
        starts = not self.open and self.wants(self.stack, uri, tag)
        if starts:
            self.record_depth = len(self.stack)
            self.parser.CharacterDataHandler = self._data
        if starts or self.open:
            node = XmlNode(tag, self.parser.CurrentLineNumber, _local_names(attrs) if attrs else {})
            if self.open:
                self.open[-1].children.append(node)
            self.open.append(node)
        self.stack.append(tag)

    def _data(self, text: str) -> None:
        node = self.open[-1]
        if not node.children:  # text after a child is the child's tail: not the element's text
            node.text = text if node.text is None else node.text + text

    def _end(self, name: str) -> None:
        self.stack.pop()
        if not self.open:
            return
        node = self.open.pop()
        if node.text and not node.children and node.text.lstrip().startswith("<"):
            node.markup = _markup(node.text)
        if len(self.stack) == self.record_depth:
            self.ready.append(node)
            self.parser.CharacterDataHandler = None

    def _entity(self, name: str, *_: object) -> None:
        raise _Refused(message("sources.xml.entity", name=name, line=self.parser.CurrentLineNumber))


def _markup(text: str) -> XmlNode | None:
    """An XML document inside a value (EnterpriseData ``ЗначенияПолей``), parsed as safely as the file."""
    scanner = _Scanner(lambda *_: lambda stack, uri, tag: not stack)
    try:
        return next(iter(scanner.records([text.strip().encode("utf-8")])), None)
    except (expat.ExpatError, _Refused):
        return None


class _CommerceML:
    label, counterparties = "CommerceML", "Контрагенты/Контрагент"

    def __init__(self, attrs: dict[str, str]) -> None:
        self.version = attrs.get("ВерсияСхемы")

    def wants(self, stack: list[str], uri: str, tag: str) -> bool:
        return tag == "Контрагент" and stack[-1:] == ["Контрагенты"]

    def is_counterparty(self, node: XmlNode) -> bool:
        return True


class _EnterpriseData:
    label, counterparties = "EnterpriseData", "Справочник.Контрагенты"

    def __init__(self) -> None:
        self.version: str | None = None

    def wants(self, stack: list[str], uri: str, tag: str) -> bool:
        if tag == "Body" and len(stack) == 1 and "EnterpriseData" in uri:
            self.version = uri.rstrip("/").rpartition("/")[2]
        return tag == "Справочник.Контрагенты" or tag.startswith("Справочник.КонтактныеЛица")

    def is_counterparty(self, node: XmlNode) -> bool:
        return node.tag == "Справочник.Контрагенты"


def exchange_elements(path: Path, *, source_name: str) -> Iterator[ExchangeElement]:
    """The counterparty and contact person elements of a CommerceML 2 or EnterpriseData file, in file order.

    Raises ``SourceError`` (one line naming the source and the file) for a missing, empty, non-XML,
    truncated or crafted file, an unknown root element, or a file without counterparties.
    """

    name = f"{source_name}: {path.name}"

    def fail(problem: str) -> SourceError:
        return SourceError(f"{name}: {problem}")

    formats: list[_CommerceML | _EnterpriseData] = []

    def on_root(uri: str, tag: str, attrs: dict[str, str]) -> Wants:
        if tag == "КоммерческаяИнформация":
            formats.append(_CommerceML(attrs))
        elif tag == "Message":
            formats.append(_EnterpriseData())
        else:
            raise _Refused(message("sources.xml.root", tag=tag))
        return formats[0].wants

    scanner = _Scanner(on_root)
    counterparties = 0
    head = b""
    # what expat and the codecs raise besides ExpatError (an unknown or multi-byte encoding in the
    # prolog, ...) becomes the same one line naming the file as every other reader's faults
    with reading(path, name):
        try:
            with path.open("rb") as file:
                head = file.read(4)
                if not head:
                    raise SourceError(message("sources.empty_file", file=name))
                file.seek(0)
                for node in scanner.records(iter(lambda: file.read(CHUNK_BYTES), b"")):
                    fmt = formats[0]
                    counterparties += fmt.is_counterparty(node)
                    yield ExchangeElement(fmt.label, fmt.version, node)
        except OSError as exc:
            raise SourceError(message("sources.cannot_open", file=name, detail=exc.strerror or exc)) from None
        except _Refused as exc:
            raise fail(str(exc)) from None
        except expat.ExpatError as exc:
            raise fail(_parse_problem(exc, scanner.stack, bool(formats), head)) from None
    if not counterparties:
        fmt = formats[0]
        raise fail(message("sources.xml.no_counterparties", format=fmt.label, element=fmt.counterparties))


def _parse_problem(exc: expat.ExpatError, open_tags: list[str], rooted: bool, head: bytes) -> str:
    where = {"error": expat.ErrorString(exc.code), "line": exc.lineno, "column": exc.offset}
    if not rooted:
        if head.startswith(b"PK\x03\x04"):
            return message("sources.xml.zip")
        return message("sources.xml.not_xml", **where)
    if exc.code in _TRUNCATION_CODES and open_tags:
        return message("sources.xml.truncated", tag=open_tags[-1], **where)
    return message("sources.xml.broken", **where)
