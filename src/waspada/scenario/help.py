"""The help directory (``help.yml``): services endings and chapters point to, kept once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import Node as YamlNode

from ._yaml import Reader, read_entries
from .model import SERVES
from .problems import Location, Problem, suggest

CONTACT_KINDS = ("phone", "whatsapp", "address", "web")


@dataclass(frozen=True)
class Contact:
    kind: str
    label: str
    value: str
    location: Location = field(default=Location(""), compare=False, repr=False)

    @property
    def href(self) -> str:
        """A ``tel:`` link for phone numbers; nothing for the rest (the course works offline)."""
        if self.kind != "phone":
            return ""
        return "tel:" + "".join(ch for ch in self.value if ch.isdigit() or ch == "+")


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    description: str
    contacts: tuple[Contact, ...]
    sources: tuple[str, ...]
    checked: str
    location: Location = field(default=Location(""), compare=False, repr=False)
    serves: tuple[str, ...] = ()  # whom the service is for (model.SERVES)
    # A district's own entries (districts/<id>.yml) also have these; help.yml's do not.
    address: str = ""
    hours: str = ""
    checked_by: str = ""  # an organisation, never a person's name
    context: str = ""  # the gettext context of its texts; help:<id> when empty

    @property
    def local(self) -> bool:
        """An entry of a district overlay (its name and address are never translated)."""
        return self.context.startswith("district:")

    @property
    def message_context(self) -> str:
        """The context its name, description and labels are translated in."""
        return self.context or f"help:{self.id}"

    def serves_any(self, wanted: tuple[str, ...]) -> bool:
        return any(value in self.serves for value in wanted)


def load_help(
    path: Path | str, display: str | None = None
) -> tuple[dict[str, Service], list[Problem]]:
    path = Path(path)
    r, entries = read_entries(path, display or str(path), "the help directory", "services")
    services: dict[str, Service] = {}
    for sid, (key_node, value_node) in entries.items():
        if r.slug(key_node, "service id") is None:
            continue
        spec = r.mapping(
            value_node,
            f"service '{sid}'",
            allowed=("name", "description", "serves", "contacts", "sources", "checked"),
            required=("name", "description", "sources", "checked"),
        )
        if spec is None or not all(
            k in spec for k in ("name", "description", "sources", "checked")
        ):
            continue
        serves: tuple[str, ...] = ()
        if "serves" in spec:
            serves = read_serves(r, sid, spec["serves"][1])
        else:
            r.error(
                value_node,
                f"service '{sid}' does not say whom it serves; add 'serves: [...]' with values "
                f"from: {', '.join(SERVES)}",
            )
        contacts = (
            read_contacts(r, sid, spec["contacts"][1], f"the contacts of '{sid}'")
            if "contacts" in spec
            else []
        )
        sources = [
            r.text(s, f"a source of '{sid}'")
            for s in r.sequence(spec["sources"][1], f"the sources of '{sid}'", allow_scalar=True)
            or []
        ]
        checked = r.text(spec["checked"][1], f"the 'checked' date of '{sid}'")
        if checked:
            try:
                dt.date.fromisoformat(checked)
            except ValueError:
                r.error(spec["checked"][1], f"'checked' of '{sid}' must be a date like 2026-11-27")
        if not any(sources):
            r.error(spec["sources"][1], f"service '{sid}' names no source; every number needs one")
        name_ = r.text(spec["name"][1], f"the name of '{sid}'")
        description = r.text(spec["description"][1], f"the description of '{sid}'")
        if name_ and description and checked:
            services[sid] = Service(
                sid,
                name_,
                description,
                tuple(contacts),
                tuple(s for s in sources if s),
                checked,
                r.loc(key_node),
                serves,
            )
    return services, r.problems


def read_contacts(r: Reader, sid: str, node: YamlNode, what: str) -> list[Contact]:
    """A ``contacts:`` list of ``{kind, label, value}`` mappings (help.yml, district files)."""
    contacts: list[Contact] = []
    for item in r.sequence(node, what) or []:
        c = r.mapping(
            item,
            f"a contact of '{sid}'",
            allowed=("kind", "label", "value"),
            required=("kind", "label", "value"),
        )
        if not c or len(c) != 3:
            continue
        kind, label, value = (
            r.text(c[k][1], f"the {k} of a contact of '{sid}'") for k in ("kind", "label", "value")
        )
        if kind and kind not in CONTACT_KINDS:
            r.error(
                c["kind"][1],
                f"unknown contact kind '{kind}'; use one of: {', '.join(CONTACT_KINDS)}",
            )
            continue
        if kind and label and value:
            contacts.append(Contact(kind, label, value, r.loc(c["value"][1])))
    return contacts


def read_serves(r: Reader, sid: str, node: YamlNode) -> tuple[str, ...]:
    """``serves: [woman, child]``: known values only, so the ending check can rely on them."""
    out: list[str] = []
    items = r.sequence(node, f"the serves list of '{sid}'", allow_scalar=True) or []
    for item in items:
        value = r.text(item, f"a value of the serves list of '{sid}'")
        if value is None:
            continue
        if value not in SERVES:
            r.error(
                item,
                f"unknown serves value '{value}' in '{sid}'{suggest(value, SERVES)}; "
                f"use one of: {', '.join(SERVES)}",
            )
        elif value not in out:
            out.append(value)
    if not items:
        r.error(
            node,
            f"service '{sid}' serves nobody; list whom it is for, from: {', '.join(SERVES)}",
        )
    return tuple(out)


# ``sapa-129``: its first phone contact; ``sapa-129/whatsapp``: its first WhatsApp contact;
# ``bp2mi/phone2``: its second phone contact (the number for calls from abroad).
_CONTACT_REF = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)(?:/([a-z]+)(\d*))?$")


def find_contact(services: Mapping[str, Service], ref: str) -> tuple[Contact | None, str]:
    """The contact ``ref`` names (see ``{help-contact}`` in the book), or None and why not.

    >>> s = Service("x", "X", "d", (Contact("phone", "Call", "110"),), ("S1",), "2026-11-27")
    >>> find_contact({"x": s}, "x")[0].value
    '110'
    >>> find_contact({"x": s}, "x/whatsapp")[1]
    "service 'x' has no whatsapp contact in help.yml; it has: phone"
    """
    match = _CONTACT_REF.match(ref.strip())
    if not match:
        return None, (
            f"cannot read the contact '{ref}'; write a service id from help.yml, such as "
            "sapa-129, or an id and a kind, such as sapa-129/whatsapp"
        )
    sid, kind, number = match.group(1), match.group(2) or "phone", int(match.group(3) or 1)
    service = services.get(sid)
    if service is None:
        return None, (
            f"unknown help service '{sid}'{suggest(sid, list(services))}; use one of: "
            f"{', '.join(services)}"
        )
    if kind not in CONTACT_KINDS:
        return None, f"unknown contact kind '{kind}'; use one of: {', '.join(CONTACT_KINDS)}"
    of_kind = [c for c in service.contacts if c.kind == kind]
    if len(of_kind) < number:
        kinds = ", ".join(dict.fromkeys(c.kind for c in service.contacts)) or "no contacts"
        which = f"{kind} contact" if number == 1 else f"contact number {number} of kind {kind}"
        return None, f"service '{sid}' has no {which} in help.yml; it has: {kinds}"
    return of_kind[number - 1], ""
