"""Babel extractors for the course's YAML sources (registered under ``babel.extractors``).

``pybabel extract -F babel.cfg`` and ``waspada i18n extract`` both use them. Each message carries
the gettext context ``scenario-id:node-id[:choice-id]`` (or ``help:service-id``), its line in the
YAML file, and a translator comment saying what the text is.

>>> import io
>>> source = io.BytesIO(b'''id: demo
... title: A demo
... nodes:
...   a:
...     text: Hello
...     choices:
...       - {label: Go, target: b}
... ''')
>>> for lineno, func, (context, text), comments in extract_scenario(source, (), (), {}):
...     print(lineno, context, repr(text), comments)
2 demo 'A demo' ['scenario title']
5 demo:a 'Hello' ["node 'a': story text"]
7 demo:a:b 'Go' ["node 'a', choice 'b': button label"]
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..scenario._yaml import compose_text, is_null

Extracted = tuple[int, str, tuple[str, str], list[str]]

# Babel's extract() reads the context from the first argument of a "pgettext" call, so every
# message is reported as one; the function-name slot is how Babel carries msgctxt.
PGETTEXT = "pgettext"

NODE_FIELDS = {"text": "story text", "notes": "facilitator notes", "prompt": "discussion prompt"}
CHOICE_FIELDS = {"label": "button label", "feedback": "feedback after the choice"}
ENDING_FIELDS = {"title": "ending title", "debrief": "ending debrief"}


def _read(fileobj: IO[bytes]) -> Node | None:
    raw = fileobj.read()
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    tree, problem = compose_text(text, getattr(fileobj, "name", "<yaml>"))
    return None if problem else tree  # broken files are `waspada check`'s business


def _items(node: Node | None) -> Mapping[str, Node]:
    if not isinstance(node, MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}


def _text(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and not is_null(node) and node.value.strip():
        return node.value.strip()
    return None


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _sequence(node: Node | None) -> list[Node]:
    return node.value if isinstance(node, SequenceNode) else []


def _fields(
    spec: Mapping[str, Node], fields: Mapping[str, str], ctx: str, about: str = ""
) -> Iterator[Extracted]:
    """Each field of ``spec`` named in ``fields`` (key: what it is) that holds text, as one
    message in context ``ctx`` for translators described as "<about>: <what>"."""
    for key, what in fields.items():
        value = _text(spec.get(key))
        if value:
            yield _line(spec[key]), PGETTEXT, (ctx, value), [f"{about}: {what}" if about else what]


def _key_messages(ending: Mapping[str, Node], ctx: str, about: str) -> Iterator[Extracted]:
    """An ending's key messages: a list, or a single text."""
    messages = ending.get("messages")
    for item in messages.value if isinstance(messages, SequenceNode) else [messages]:
        value = _text(item)
        if value:
            yield _line(item), PGETTEXT, (ctx, value), [f"{about}: key message"]


def extract_scenario(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield every translatable text of one scenario file."""
    top = _items(_read(fileobj))
    sid = _text(top.get("id"))
    if not sid:
        return
    yield from _fields(top, {"title": "scenario title", "summary": "scenario summary"}, sid)
    if _text(top.get("kind")) == "check":
        yield from _extract_check(sid, top)
        return
    for nid, spec_node in _items(top.get("nodes")).items():
        spec = _items(spec_node)
        ctx = f"{sid}:{nid}"
        yield from _fields(spec, NODE_FIELDS, ctx, f"node '{nid}'")
        for choice_node in _sequence(spec.get("choices")):
            choice = _items(choice_node)
            cid = _text(choice.get("id")) or _text(choice.get("target"))
            if cid:
                yield from _fields(
                    choice, CHOICE_FIELDS, f"{ctx}:{cid}", f"node '{nid}', choice '{cid}'"
                )
        ending = _items(spec.get("ending"))
        yield from _fields(ending, ENDING_FIELDS, ctx, f"node '{nid}'")
        yield from _key_messages(ending, ctx, f"node '{nid}'")


def _extract_check(sid: str, top: Mapping[str, Node]) -> Iterator[Extracted]:
    """A knowledge check: questions, options (ids a, b, c ... by position) and the result."""
    for question_node in _sequence(top.get("questions")):
        question = _items(question_node)
        qid = _text(question.get("id"))
        if not qid:
            continue
        value = _text(question.get("text"))
        if value:
            line = _line(question["text"])
            yield line, PGETTEXT, (f"{sid}:{qid}", value), [f"question '{qid}'"]
        for number, option_node in enumerate(_sequence(question.get("options")), 1):
            option = _items(option_node)
            oid = _text(option.get("id")) or chr(ord("a") + number - 1)
            yield from _fields(
                option,
                {"label": "answer", "feedback": "why this answer is right or not"},
                f"{sid}:{qid}:{oid}",
                f"question '{qid}', option {oid}",
            )
    result = _items(top.get("result"))
    yield from _fields(result, ENDING_FIELDS, f"{sid}:result", "result")
    yield from _key_messages(result, f"{sid}:result", "result")


def extract_profiles(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield the titles and descriptions of the course profiles (profiles.yml)."""
    top = _items(_read(fileobj))
    for name, spec_node in _items(top.get("profiles")).items():
        yield from _fields(
            _items(spec_node),
            {"title": "course title", "description": "course description"},
            f"profile:{name}",
            f"course profile '{name}'",
        )


def extract_help(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield the names, descriptions and contact labels of help.yml (never the numbers)."""
    top = _items(_read(fileobj))
    for sid, spec_node in _items(top.get("services")).items():
        spec = _items(spec_node)
        ctx = f"help:{sid}"
        yield from _fields(
            spec,
            {"name": "service name", "description": "what the service does"},
            ctx,
            f"help service '{sid}'",
        )
        for contact in _sequence(spec.get("contacts")):
            label = _items(contact).get("label")
            value = _text(label)
            if value and label is not None:
                yield (
                    _line(label),
                    PGETTEXT,
                    (ctx, value),
                    [f"help service '{sid}': label before a phone number"],
                )


def extract_district(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield the descriptions and contact labels of ``districts/<id>.yml``, in the context
    ``district:<id>:<entry>``. Names, addresses, hours and numbers stay as the district wrote
    them, so they are not offered for translation. The district id is the file's name."""
    district = options.get("district") or Path(getattr(fileobj, "name", "district")).stem
    top = _items(_read(fileobj))
    for section in ("offices", "services"):
        for eid, spec_node in _items(top.get(section)).items():
            spec = _items(spec_node)
            ctx = f"district:{district}:{eid}"
            about = (
                f"district '{district}', {'office' if section == 'offices' else 'service'} '{eid}'"
            )
            yield from _fields(spec, {"description": "what it does"}, ctx, about)
            for contact in _sequence(spec.get("contacts")):
                label = _items(contact).get("label")
                value = _text(label)
                if value and label is not None:
                    yield _line(label), PGETTEXT, (ctx, value), [f"{about}: label before a contact"]
