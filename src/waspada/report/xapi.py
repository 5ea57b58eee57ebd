"""Sessions as xAPI 1.0.3 statements, for a programme's Learning Record Store.

One statement per session, about the session and never about a person: its actor is an
Identified Group (xAPI 1.0.3, Data 2.4.2.2) whose only identifier is an account named with the
session's random id. An Anonymous Group would have to list its members as Agents, each with an
identifier of a person (mbox, openid or account), so it cannot be used without personal data;
the spec also recommends an Identified Group to "aggregate data ... relating to a group"
(2.4.2.2.s3.b2), and an opaque account name where identifying data is a concern (2.4.2.4.s2.b2).

The statement says the group *attended* (ADL verb) the course kit's session activity; the
scenarios played are ``context.contextActivities.other``; the counts of the record are
``result.extensions`` and the district ``context.extensions``, under IRIs of ``--home-page``.
The place (village or school) is left out. The statement id is a UUID derived from the
session id, so sending the same file twice does not make two statements. Counts are the
session's own, as in the CSV the trainer exports (an LRS is where a programme adds sessions up,
not a published summary).
"""

from __future__ import annotations

import uuid
from typing import Any

from .. import __version__
from .records import Session
from .schema import AGE, SEX, VOTE, SessionSpec

DEFAULT_HOME_PAGE = "https://waspada.invalid/"
NAMESPACE = uuid.UUID("1c7f3e0e-5a52-4d8e-9a8e-2f6f0f9b7a11")  # for statement ids
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
MEETING = "http://adlnet.gov/expapi/activities/meeting"


def statement(
    session: Session, spec: SessionSpec, home_page: str = DEFAULT_HOME_PAGE
) -> dict[str, Any]:
    """The xAPI statement of one session."""
    base = home_page.rstrip("/") + "/"
    sid = session.text("session")
    counts: dict[str, Any] = {name: session.count(name) for name in (*SEX, *AGE, *VOTE)}
    counts["asked_for_help"] = session.count("asked_for_help")
    counts["referred"] = {sid_: session.count(f"referred_{sid_}") for sid_ in spec.services}
    counts["check"] = {
        item.id: {
            phase: session.count(f"q_{item.id}_{phase}")
            for phase in ("before_right", "before_total", "after_right", "after_total")
        }
        for item in spec.items
    }
    kit = session.text("kit")
    out: dict[str, Any] = {
        "id": str(uuid.uuid5(NAMESPACE, f"waspada-session/{sid}")),
        "actor": {
            "objectType": "Group",
            "name": f"Waspada session {sid}",
            "account": {"homePage": base, "name": sid},
        },
        "verb": {"id": ATTENDED, "display": {"en-US": "attended"}},
        "object": {
            "objectType": "Activity",
            "id": f"{base}kit/{kit}",
            "definition": {
                "type": MEETING,
                "name": {"en-US": f"Waspada training session ({kit} kit)"},
            },
        },
        "result": {
            "completion": True,
            "extensions": {
                f"{base}xapi/participants": sum(session.count(name) for name in SEX),
                f"{base}xapi/counts": counts,
            },
        },
        "context": {
            "language": session.text("language"),
            "platform": f"waspada {session.text('course_version')}",
            "extensions": {
                f"{base}xapi/district": session.text("district"),
                f"{base}xapi/schema": session.text("schema"),
                f"{base}xapi/exported-by": f"waspada {__version__}",
            },
        },
        "timestamp": f"{session.text('date')}T00:00:00Z",
    }
    scenarios = dict.fromkeys(session.text("scenarios").split())
    if scenarios:
        out["context"]["contextActivities"] = {
            "other": [
                {"objectType": "Activity", "id": f"{base}scenario/{scenario}"}
                for scenario in scenarios
            ]
        }
    return out


def statements(
    sessions: list[Session], spec: SessionSpec, home_page: str = DEFAULT_HOME_PAGE
) -> list[dict[str, Any]]:
    return [statement(session, spec, home_page) for session in sessions]
