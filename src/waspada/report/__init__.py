"""After the session: the session record (version 1), its JSON Schema, and ``waspada report``.

``schema`` defines the columns once (the JSON Schema in ``schemas/`` is generated from it),
``records`` reads untrusted session exports (CSV or JSON) into checked records, ``summary`` adds
them up with small counts suppressed and writes the HTML and CSV summary, ``xapi`` writes xAPI
statements, and ``commands`` adds ``waspada report`` to the command line.
"""

from __future__ import annotations

from .schema import SCHEMA_TAG, SessionSpec, json_schema, spec_for_project

__all__ = ["SCHEMA_TAG", "SessionSpec", "json_schema", "spec_for_project"]
