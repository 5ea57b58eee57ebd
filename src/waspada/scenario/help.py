"""The help directory (``help.yml``): services endings and chapters point to, kept once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ._yaml import read_entries
from .problems import Location, Problem

CONTACT_KINDS = ("phone", "whatsapp", "address", "web")


@dataclass(frozen=True)
class Contact:
    kind: str
    label: str
    value: str

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
            allowed=("name", "description", "contacts", "sources", "checked"),
            required=("name", "description", "sources", "checked"),
        )
        if spec is None or not all(
            k in spec for k in ("name", "description", "sources", "checked")
        ):
            continue
        contacts: list[Contact] = []
        for item in (
            r.sequence(spec["contacts"][1], f"the contacts of '{sid}'") or []
            if "contacts" in spec
            else []
        ):
            c = r.mapping(
                item,
                f"a contact of '{sid}'",
                allowed=("kind", "label", "value"),
                required=("kind", "label", "value"),
            )
            if not c or len(c) != 3:
                continue
            kind, label, value = (
                r.text(c[k][1], f"the {k} of a contact of '{sid}'")
                for k in ("kind", "label", "value")
            )
            if kind and kind not in CONTACT_KINDS:
                r.error(
                    c["kind"][1],
                    f"unknown contact kind '{kind}'; use one of: {', '.join(CONTACT_KINDS)}",
                )
                continue
            if kind and label and value:
                contacts.append(Contact(kind, label, value))
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
            )
    return services, r.problems
