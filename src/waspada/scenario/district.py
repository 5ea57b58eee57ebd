"""District overlays (``districts/<id>.yml``): a district's own offices and services.

help.yml names national services and says "ask the village office for the local address". A
district file fills that in once: the local office of a national service (``offices:``, keyed by
the national id) and services only the district has (``services:``, such as an NGO shelter).
Endings, ``{help-services}`` and the handouts then show the district's entries first and the
national ones after. Names, addresses and hours stay as written; descriptions and contact labels
are translated in the gettext context ``district:<district>:<entry>``.

>>> national = {"uptd-ppa": Service("uptd-ppa", "UPTD PPA", "d", (), ("S42",), "2026-01-01",
...                                 serves=("woman", "child"))}
>>> text = '''district:
...   name: Kabupaten Contoh
... offices:
...   uptd-ppa:
...     name: UPTD PPA Kabupaten Contoh
...     address: Jalan Contoh 1
...     contacts: [{kind: phone, label: Call, value: "0376-21000"}]
...     source: The unit's leaflet
...     checked: 2026-11-20
...     checked_by: Yayasan Contoh
... '''
>>> district, problems = read_district(text, "contoh", national, today=dt.date(2026, 12, 1))
>>> problems
[]
>>> [s.name for s in district.for_ending(("uptd-ppa",), ("woman",))]
['UPTD PPA Kabupaten Contoh']
>>> district.offices["uptd-ppa"].serves  # whom it serves follows the national entry
('woman', 'child')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ._yaml import Reader, compose_file, compose_text
from .help import Contact, Service, read_contacts, read_serves
from .problems import Location, Problem, suggest

# A district id names a file and a build folder: a slug, like scenario ids.
DISTRICT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOP_KEYS = ("district", "offices", "services")
DISTRICT_KEYS = ("name", "province")
ENTRY_KEYS = (
    "alongside",
    "name",
    "description",
    "address",
    "hours",
    "serves",
    "contacts",
    "source",
    "checked",
    "checked_by",
)
OFFICE_REQUIRED = ("name", "source", "checked", "checked_by")
SERVICE_REQUIRED = ("name", "description", "serves", "source", "checked", "checked_by")
# An entry whose information was checked longer ago than this is a warning: numbers change.
STALE_AFTER_DAYS = 365
# Phone numbers as Indonesians write them: a 3- to 5-digit national line (110, 129, 1500-771),
# a number with its area or mobile prefix (0376-21000, 0812-3456-7890) or an international one
# (+62-376-21000). Digits grouped by hyphens, spaces or dots; 3 to 15 digits in all (E.164).
_PHONE = re.compile(r"^\+?\d+(?:[ .-]\d+)*$")
_WHATSAPP = re.compile(r"^(?:08|\+?62[ .-]?8)")


@dataclass(frozen=True)
class District:
    id: str
    name: str
    province: str = ""
    # The local office of a national service, keyed by the national id (help.yml).
    offices: dict[str, Service] = field(default_factory=dict)
    # Services only this district has, keyed by their own id.
    services: dict[str, Service] = field(default_factory=dict)
    # Each own service's ``alongside:``: the national services it is listed with.
    alongside: dict[str, tuple[str, ...]] = field(default_factory=dict)
    location: Location = field(default=Location(""), compare=False, repr=False)

    @property
    def label(self) -> str:
        """How the course names the district: "Kabupaten Lombok Timur (Nusa Tenggara Barat)"."""
        return f"{self.name} ({self.province})" if self.province else self.name

    def entries(self) -> list[Service]:
        """Every entry: the offices in the order of the file, then the district's services."""
        return [*self.offices.values(), *self.services.values()]

    def for_listing(self, national_ids: Iterable[str] | None = None) -> list[Service]:
        """What a list of the national services ``national_ids`` shows first: their local
        offices, then the district's own services listed ``alongside`` one of them. The whole
        directory (None) shows every entry."""
        if national_ids is None:
            return self.entries()
        wanted = set(national_ids)
        offices = [s for nid, s in self.offices.items() if nid in wanted]
        own = [s for sid, s in self.services.items() if wanted & set(self.alongside.get(sid, ()))]
        return [*offices, *own]

    def for_ending(self, national_ids: Iterable[str], characters: Iterable[str]) -> list[Service]:
        """What an ending that names ``national_ids`` shows first: as :meth:`for_listing`,
        without the district's own services that serve nobody the story is about (the offices
        of the services the author named are always shown)."""
        about = tuple(characters)
        return [
            s
            for s in self.for_listing(national_ids)
            if s.id.split("/", 1)[1] in self.offices
            or not about
            or "everyone" in s.serves
            or s.serves_any(about)
        ]

    def lookup(self) -> dict[str, Service]:
        """Every entry by its own id (``<district>/<entry>``)."""
        return {s.id: s for s in self.entries()}


def load_district(
    path: Path,
    national: Mapping[str, Service],
    *,
    display: str | None = None,
    today: dt.date | None = None,
) -> tuple[District | None, list[Problem]]:
    """Read ``districts/<id>.yml``; the district id is the file's name."""
    shown = display or str(path)
    tree, problems = compose_file(path, shown)
    if any(p.is_error for p in problems):
        return None, problems
    district, more = _district(tree, path.stem, shown, national, today or dt.date.today())
    return district, [*problems, *more]


def read_district(
    text: str,
    district_id: str,
    national: Mapping[str, Service],
    *,
    display: str = "district.yml",
    today: dt.date | None = None,
) -> tuple[District | None, list[Problem]]:
    """:func:`load_district` for text already in memory (tests, doctests)."""
    tree, problem = compose_text(text, display)
    if problem is not None:
        return None, [problem]
    return _district(tree, district_id, display, national, today or dt.date.today())


def _district(
    tree: object,
    district_id: str,
    shown: str,
    national: Mapping[str, Service],
    today: dt.date,
) -> tuple[District | None, list[Problem]]:
    r = Reader(shown)
    if not DISTRICT_ID.match(district_id):
        r.problems.append(
            Problem(
                Location(shown, 1, 1),
                f"'{district_id}' cannot name a district: name the file with small letters, "
                "digits and hyphens only, such as lombok-timur.yml",
            )
        )
        return None, r.problems
    if tree is None:
        r.problems.append(
            Problem(
                Location(shown, 1, 1),
                "the district file is empty; start from districts/_template.yml",
            )
        )
        return None, r.problems
    top = r.mapping(tree, "the district file", allowed=TOP_KEYS, required=("district",))
    if top is None or "district" not in top:
        return None, r.problems
    about = r.mapping(top["district"][1], "'district:'", allowed=DISTRICT_KEYS, required=("name",))
    name = r.text(about["name"][1], "the district's name") if about and "name" in about else None
    province = (
        r.text(about["province"][1], "the district's province") or ""
        if about and "province" in about
        else ""
    )
    offices: dict[str, Service] = {}
    for eid, (key, value) in (_section(r, top, "offices") or {}).items():
        if eid not in national:
            r.error(
                key,
                f"'{eid}' is not a national service in help.yml{suggest(eid, list(national))}; "
                f"'offices:' fills in the local office of one of: {', '.join(national)}; put a "
                "service only this district has under 'services:'",
            )
            continue
        entry = _entry(r, district_id, key, value, OFFICE_REQUIRED, national[eid], today)
        if entry is not None:
            offices[eid] = entry[0]
    services: dict[str, Service] = {}
    alongside: dict[str, tuple[str, ...]] = {}
    for eid, (key, value) in (_section(r, top, "services") or {}).items():
        if r.slug(key, "service id") is None:
            continue
        if eid in national:
            r.error(
                key,
                f"'{eid}' is a national service in help.yml; list its local office under "
                "'offices:' instead, or give this service an id of its own",
            )
            continue
        entry = _entry(r, district_id, key, value, SERVICE_REQUIRED, None, today)
        if entry is not None:
            services[eid], alongside[eid] = entry
            alongside[eid] = _alongside(r, eid, alongside[eid], national) if alongside[eid] else ()
    if not offices and not services and not any(p.is_error for p in r.problems):
        r.error(tree, "the district adds nothing; fill in 'offices:' or 'services:'")  # type: ignore[arg-type]
    if name is None or any(p.is_error for p in r.problems):
        return None, r.problems
    district = District(
        district_id,
        name,
        province,
        offices,
        services,
        alongside,
        r.loc(tree),  # type: ignore[arg-type]
    )
    return district, r.problems


def _alongside(
    r: Reader, eid: str, node: object, national: Mapping[str, Service]
) -> tuple[str, ...]:
    """``alongside: [uptd-ppa, ppt-hospital]``: national services this one is listed with."""
    out: list[str] = []
    items = r.sequence(node, f"'alongside' of '{eid}'", allow_scalar=True) or []  # type: ignore[arg-type]
    for item in items:
        value = r.text(item, f"a value of 'alongside' of '{eid}'")
        if value is None:
            continue
        if value not in national:
            r.error(
                item,
                f"'alongside' of '{eid}' names '{value}', which is not a service in help.yml"
                f"{suggest(value, list(national))}",
            )
        elif value not in out:
            out.append(value)
    return tuple(out)


def _section(r: Reader, top: dict, key: str) -> dict | None:
    if key not in top:
        return None
    return r.mapping(top[key][1], f"'{key}:'")


def _entry(
    r: Reader,
    district_id: str,
    key_node: object,
    node: object,
    required: tuple[str, ...],
    office_of: Service | None,
    today: dt.date,
) -> tuple[Service, object] | None:
    """The entry as a Service, with its ``alongside:`` node (None without one)."""
    eid = key_node.value  # type: ignore[attr-defined]
    what = f"the office '{eid}'" if office_of else f"the service '{eid}'"
    spec = r.mapping(node, what, allowed=ENTRY_KEYS, required=required)  # type: ignore[arg-type]
    if spec is None or not all(k in spec for k in required):
        return None

    def text(key: str) -> str:
        return (r.text(spec[key][1], f"the {key} of {what}") or "") if key in spec else ""

    alongside = spec["alongside"][1] if "alongside" in spec else None
    if alongside is not None and office_of is not None:
        r.error(
            spec["alongside"][0],
            f"{what} is the local office of '{eid}' and is listed with it; 'alongside:' is for "
            "the district's own services",
        )
    if "serves" in spec:
        serves = read_serves(r, eid, spec["serves"][1])
    else:
        serves = office_of.serves if office_of else ()
    contacts = (
        read_contacts(r, eid, spec["contacts"][1], f"the contacts of {what}")
        if "contacts" in spec
        else []
    )
    for contact in contacts:
        _check_number(r, contact, what)
    checked = text("checked")
    if checked:
        try:
            day = dt.date.fromisoformat(checked)
        except ValueError:
            r.error(spec["checked"][1], f"'checked' of {what} must be a date like 2026-11-27")
        else:
            if day > today:
                r.error(spec["checked"][1], f"'checked' of {what} is in the future ({checked})")
            elif (today - day).days > STALE_AFTER_DAYS:
                r.warn(
                    spec["checked"][1],
                    f"{what} was last checked on {checked}, more than 12 months ago; call or "
                    "visit to confirm the address and numbers, then update 'checked'",
                )
    if not (contacts or text("address")):
        r.error(
            key_node,  # type: ignore[arg-type]
            f"{what} gives no way to reach it; add its 'address:' or 'contacts:'",
        )
    name = text("name")
    if not name or not text("source") or not text("checked_by") or not checked:
        return None
    service = Service(
        f"{district_id}/{eid}",
        name,
        text("description"),
        tuple(contacts),
        (text("source"),),
        checked,
        r.loc(key_node),  # type: ignore[arg-type]
        serves,
        address=text("address"),
        hours=text("hours"),
        checked_by=text("checked_by"),
        context=f"district:{district_id}:{eid}",
    )
    return service, alongside


def _check_number(r: Reader, contact: Contact, what: str) -> None:
    """A phone or WhatsApp number must be one a phone can dial (see ``_PHONE``)."""
    if contact.kind not in ("phone", "whatsapp"):
        return
    value = contact.value.strip()
    digits = sum(ch.isdigit() for ch in value)
    fix = (
        "write it as it is dialled in Indonesia, digits grouped by hyphens, e.g. 0376-21000, "
        "0812-3456-7890 or +62-376-21000"
    )
    where = contact.location
    if not _PHONE.match(value) or not 3 <= digits <= 15:
        r.problems.append(Problem(where, f"'{value}' in {what} is not a phone number; {fix}"))
    elif contact.kind == "whatsapp" and not _WHATSAPP.match(value):
        r.problems.append(
            Problem(
                where,
                f"'{value}' in {what} is not a mobile number, so it has no WhatsApp; a "
                "WhatsApp number starts with 08 or +62 8",
            )
        )
    elif value.startswith("+") and not value.startswith("+62"):
        r.problems.append(
            Problem(
                where,
                f"'{value}' in {what} is a number abroad; a district entry lists numbers in "
                "Indonesia (start with 0 or +62)",
            )
        )
