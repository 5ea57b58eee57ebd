"""SessionWidget: the trainer's session page in Voila (``widgets/session.ipynb``), an anywidget.

Its front end is ``widget/session.js``, the very file the book's ``{session-report}`` page
loads: the module is that file with one line that exports its render function. The widget only
sends the page's data (:mod:`waspada.session_page`) to the browser; nothing comes back: what the
trainer types stays in the browser's localStorage under ``waspada:session:*`` keys, as in the
book, and never reaches the kernel.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from ..session_page import SESSION_CSS, SESSION_JS

__all__ = ["SessionWidget", "session_esm"]


def session_esm() -> str:
    """session.js as an ES module: the script (whose page code finds no data script element in
    a widget and so draws nothing by itself) and its render function as the default export."""
    source = SESSION_JS.read_text(encoding="utf-8")
    return f"{source}\nexport default {{ render: WaspadaSession.render }};\n"


class SessionWidget(anywidget.AnyWidget):
    """The session form, its report and its exports, drawn by session.js from ``data``.

    >>> from waspada.project import Project  # doctest: +SKIP
    >>> from waspada.session_page import course_session_data  # doctest: +SKIP
    >>> project = Project.discover()  # doctest: +SKIP
    >>> SessionWidget(course_session_data(project.load(), project.locales_dir, lang="id",
    ...     kit="village", scenario_ids=[]))  # doctest: +SKIP
    """

    _esm = session_esm()
    _css = SESSION_CSS.read_text(encoding="utf-8")

    # The page's data (session_page.session_data): read by the browser, never written back.
    data = traitlets.Dict().tag(sync=True)

    def __init__(self, data: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(data=data, **kwargs)
