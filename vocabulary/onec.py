"""What the 1C readers hand over and what the 1C mappings make of it (imports nothing of the project).

Readers (``connectors.onec_odata``, ``connectors.onec_xml``) return raw elements: OData catalog
elements as the JSON dicts 1C sends, exchange-file elements as ``XmlNode`` trees. Mappings
(``transforms.onec_catalogs``, ``transforms.onec_xml_mapping``) turn them into ``OneCEntity``
records in canonical field names, collected in ``OneCData``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

# The catalogs of the 1C standard OData interface a migration reads.
COUNTERPARTIES = "Catalog_Контрагенты"
BP_CONTACTS = "Catalog_КонтактныеЛица"  # БП 3.0: owner = ОбъектВладелец (a counterparty)
UT_CONTACTS = "Catalog_КонтактныеЛицаПартнеров"  # УТ 11, КА 2, ERP: owner = a partner
CONTACT_CATALOGS = (BP_CONTACTS, UT_CONTACTS)


@dataclass(frozen=True)
class Version:
    """What a sync compares of one catalog element: 1C changes ``DataVersion`` on every write."""

    data_version: str
    deleted: bool


@dataclass
class OneCEntity:
    """One counterparty or contact person as read from 1C.

    ``key`` is the stable 1C reference (``Ref_Key`` GUID, or the exchange ``Ид``);
    ``origin`` tells a consultant where to find it (``Catalog_Контрагенты(guid'…')``,
    ``orders.xml: Контрагент 12``); ``fields`` holds canonical fields, a list for
    several phones/emails; ``company_key`` is a contact's owner (the company's ``key``);
    ``payload`` is the raw record as read, kept on its source link.
    """

    key: str
    origin: str
    fields: dict[str, str | list[str] | None]
    payload: dict[str, object]
    company_key: str | None = None
    # a contact whose counterparty is marked for deletion: that counterparty's name and INN, so the
    # contact follows the CRM record the counterparty became (matched through the other sources)
    company_ref: dict[str, str | None] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class OneCData:
    """What one 1C source holds: counterparties, contact persons and what the reader noticed."""

    companies: list[OneCEntity] = field(default_factory=list)
    contacts: list[OneCEntity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # records read but unusable (no key, broken element): (origin, reason, raw payload)
    broken: list[tuple[str, str, dict]] = field(default_factory=list)


@dataclass
class XmlNode:
    """One element of an exchange file: local tag (namespace dropped), attributes, text, children.

    ``line`` is where its start tag is, so a consultant can find the record. ``markup`` is the
    element's text parsed as XML when the text itself is an XML document (1C writes
    EnterpriseData ``ЗначенияПолей`` so), parsed as safely as the file; None otherwise.
    The lookups mirror ``xml.etree.ElementTree``: ``find``/``findall`` take ``A/B`` paths of tags.
    """

    tag: str
    line: int
    attrs: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    children: list[XmlNode] = field(default_factory=list)
    markup: XmlNode | None = None

    def __iter__(self) -> Iterator[XmlNode]:
        return iter(self.children)

    def __len__(self) -> int:
        return len(self.children)

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def findall(self, path: str) -> list[XmlNode]:
        found = [self]
        for tag in path.split("/"):
            found = [child for node in found for child in node.children if child.tag == tag]
        return found

    def find(self, path: str) -> XmlNode | None:
        return next(iter(self.findall(path)), None)

    def iter(self) -> Iterator[XmlNode]:
        """This node and every node below it, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()

    def itertext(self) -> Iterator[str]:
        for node in self.iter():
            if node.text:
                yield node.text


@dataclass(frozen=True)
class ExchangeElement:
    """A counterparty or contact person element of a 1C exchange file, as read.

    ``format`` is ``CommerceML`` or ``EnterpriseData``, ``version`` the schema version the file
    declares, ``node`` the element with everything below it.
    """

    format: str
    version: str | None
    node: XmlNode
