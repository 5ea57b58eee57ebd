"""Twine (Twee 3) import and export, as pure functions: text in, text and problems out.

Export (:func:`scenario_to_twee`) writes a story Twine 2 can open and edit: one passage per node,
named after the node id, with the node text followed by one ``[[label->target]]`` link per
choice. What Twine cannot express travels in places Twine keeps and the story formats do not show:

- an ending's kind is a passage tag (``ending-safe``, ``ending-harmed``, ``ending-mixed``);
- the rest of a node (facilitator notes, prompt, choice ids, feedback, effects and conditions,
  the ending's title, debrief, key messages and help) is a YAML block at the end of the passage,
  between a line ``<!-- waspada`` and a line ``-->`` (an HTML comment, hidden when played);
- the scenario's id, summary, audiences, methods, characters and variables are the same kind of
  block in a passage named ``WaspadaScenario`` that no link leads to;
- the title is the ``StoryTitle`` passage and the start node is ``start`` in ``StoryData``.

Import (:func:`read_twee`, :func:`parse_twee`, :func:`import_twee`) reads those back, so export
then import gives the same scenario. It also reads stories written in Twine: passages become
nodes, links become choices, and whatever cannot be carried over (story-format code, links whose
target is computed, scripts, stylesheets, special passages, tags) is reported with its line and
passage name. Values a scenario needs but a Twine story does not have are written as obvious gaps
(an empty list, an empty text, ``kind: mixed``) with a warning that names the line to edit.

The Twee 3 notation (iftechfoundation/twine-specs, twee-3-specification.md): a passage starts
with a header line ``:: Name [tags] {"position":"x,y","size":"w,h"}``; ``[ ] { }`` and ``\\`` in
names and tags are escaped with a backslash; ``StoryTitle`` holds the title and ``StoryData`` a
JSON object with ``ifid``, ``format``, ``format-version``, ``start``, ``tag-colors`` and ``zoom``.
Twine escapes content lines that begin with ``::`` as ``\\::``.

The package: :mod:`.block` (the shared conventions, Twee escaping and the hidden block),
:mod:`.write` (export), and for import :mod:`.passages` (the Twee 3 notation), :mod:`.links`
(links and story-format code in passage text) and :mod:`.read` (the whole story, the blocks,
the gaps); this module re-exports the public names.
"""

from __future__ import annotations

from .block import (
    BLOCK_CLOSE,
    BLOCK_OPEN,
    CHOICE_BLOCK_KEYS,
    ENDING_BLOCK_KEYS,
    ENDING_TAG,
    META_PASSAGE,
    META_TAG,
    NODE_BLOCK_KEYS,
    SCENARIO_BLOCK_KEYS,
    SPECIAL_PASSAGES,
    SPECIAL_TAGS,
    STORY_FORMAT,
    STORY_FORMAT_VERSION,
    TAG_COLORS,
    KeyPath,
    emit_yaml,
    escape_header,
    escape_text,
    slugify,
    story_ifid,
)
from .read import Gap, TweeImport, import_twee, parse_twee, read_twee
from .write import scenario_to_twee

__all__ = [
    "BLOCK_CLOSE",
    "BLOCK_OPEN",
    "CHOICE_BLOCK_KEYS",
    "ENDING_BLOCK_KEYS",
    "ENDING_TAG",
    "META_PASSAGE",
    "META_TAG",
    "NODE_BLOCK_KEYS",
    "SCENARIO_BLOCK_KEYS",
    "SPECIAL_PASSAGES",
    "SPECIAL_TAGS",
    "STORY_FORMAT",
    "STORY_FORMAT_VERSION",
    "TAG_COLORS",
    "Gap",
    "KeyPath",
    "TweeImport",
    "emit_yaml",
    "escape_header",
    "escape_text",
    "import_twee",
    "parse_twee",
    "read_twee",
    "scenario_to_twee",
    "slugify",
    "story_ifid",
]
