"""The session page's "Fill in from the phones" (issues 16 and 17) is offered only where phones
can answer: Voila's page under `waspada serve --live`. The book's page never offers it, even
when the book is built on a laptop whose server runs live. The browser side is tested in
tests/browser/test_session_live.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from waspada import apps
from waspada.book.session import session_html
from waspada.live import ENV_DB
from waspada.project import Project
from waspada.session_page import course_session_data
from waspada.widget.session_widget import SessionWidget

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(ROOT)


def voila_data(monkeypatch, project: Project) -> dict:
    """The data Voila's session page sends to the browser (apps.session, ?lang=en)."""
    shown: list[object] = []
    monkeypatch.setenv("QUERY_STRING", "lang=en&profile=village")
    monkeypatch.setattr(apps, "display", lambda *objects: shown.extend(objects))
    apps.session(None, project)
    (widget,) = [item for item in shown if isinstance(item, SessionWidget)]
    return widget.data


def test_voila_offers_the_phones_only_under_serve_live(monkeypatch, project: Project) -> None:
    monkeypatch.delenv(ENV_DB, raising=False)
    data = voila_data(monkeypatch, project)
    assert data["live"] is False
    assert data["check"] == "session-check"  # the live rooms of this check carry its id
    monkeypatch.setenv(ENV_DB, "/tmp/waspada-test-live.sqlite3")  # as `waspada serve --live`
    data = voila_data(monkeypatch, project)
    assert data["live"] is True and data["check"] == "session-check"
    monkeypatch.setenv(ENV_DB, "")  # `waspada serve` without --live clears it to nothing
    assert voila_data(monkeypatch, project)["live"] is False


def test_the_book_never_offers_the_phones(monkeypatch, project: Project) -> None:
    monkeypatch.setenv(ENV_DB, "/tmp/waspada-test-live.sqlite3")
    data = course_session_data(
        project.load(), project.locales_dir, lang="en", kit="village", scenario_ids=[]
    )
    assert data["live"] is False and data["check"] == "session-check"
    page = session_html(data).astext()
    assert '"live":false' in page and '"live":true' not in page
