"""Sphinx extension for the course book: the ``{scenario}`` directive and its assets.

Add ``waspada.book`` to the Sphinx extensions (``_config.yml`` does). Then::

    ```{scenario} cafe-singer
    :mode: facilitator
    ```

compiles the scenario for the build's language, writes the payload into the page and mounts the
one front end (``waspada/widget/scenario.js``) on it. Other builders get a readable text version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .. import __version__
from .directive import setup_scenario
from .kit import setup_kit
from .languages import setup_languages

TEMPLATES = Path(__file__).parent / "templates"


def _add_templates(app: Sphinx, config: Config) -> None:
    """Put our template overrides (accessibility fixes to theme components) first in line, and
    the theme's asset macros without Font Awesome's script."""
    generated = _theme_macros_without_fontawesome_js(Path(app.doctreedir) / "waspada-templates")
    config.templates_path = [str(TEMPLATES), *generated, *config.templates_path]


def _theme_macros_without_fontawesome_js(folder: Path) -> list[str]:
    """pydata-sphinx-theme's webpack-macros.html, minus the line that loads fontawesome.js.

    That script (1.45 MB, 530 KB gzipped: 80% of a page) only turns icons into SVG; the theme's
    stylesheet draws the same icons with the Font Awesome web font it loads anyway. The macros
    are copied from the installed theme at each build, so they follow its version.
    """
    try:
        import pydata_sphinx_theme
    except ImportError:
        return []
    source = (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme"
        / "pydata_sphinx_theme"
        / "static"
        / "webpack-macros.html"
    )
    if not source.is_file():
        return []
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if "scripts/fontawesome.js" not in line)
    (folder / "static").mkdir(parents=True, exist_ok=True)
    target = folder / "static" / "webpack-macros.html"  # the theme imports it by this name
    if not target.is_file() or target.read_text(encoding="utf-8") != kept:
        target.write_text(kept, encoding="utf-8")
    return [str(folder)]


def setup(app: Sphinx) -> dict[str, Any]:
    setup_scenario(app)
    setup_kit(app)
    setup_languages(app)
    app.connect("config-inited", _add_templates)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
