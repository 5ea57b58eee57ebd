"""Sphinx extension for the course book: the ``{scenario}`` directive and its assets.

Add ``waspada.book`` to the Sphinx extensions (``_config.yml`` does). Then::

    ```{scenario} cafe-singer
    :mode: facilitator
    ```

compiles the scenario for the build's language, writes the payload into the page and mounts the
one front end (``waspada/widget/scenario.js``) on it. Other builders get a readable text version.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from .. import __version__
from .directive import setup_scenario
from .kit import setup_kit
from .languages import setup_languages
from .screen import setup_screen
from .session import setup_session
from .termbase import setup_termbase
from .theme import setup_theme


def setup(app: Sphinx) -> dict[str, Any]:
    setup_scenario(app)
    setup_kit(app)
    setup_languages(app)
    setup_screen(app)
    setup_session(app)
    setup_termbase(app)
    setup_theme(app)
    return {
        "version": __version__,
        # Raised when what a page's doctree records changes (2: each page depends on its
        # catalogs), so Sphinx reads every page once again instead of trusting old doctrees;
        # or when pages already written must be written again (3: link texts in a chapter
        # shown in the fallback language, book/linktext.py).
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
