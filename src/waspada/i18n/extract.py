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
    for key, what in (("title", "scenario title"), ("summary", "scenario summary")):
        value = _text(top.get(key))
        if value:
            yield _line(top[key]), PGETTEXT, (sid, value), [what]
    if _text(top.get("kind")) == "check":
        yield from _extract_check(sid, top)
        return
    for nid, spec_node in _items(top.get("nodes")).items():
        spec = _items(spec_node)
        ctx = f"{sid}:{nid}"
        for key, what in NODE_FIELDS.items():
            value = _text(spec.get(key))
            if value:
                yield _line(spec[key]), PGETTEXT, (ctx, value), [f"node '{nid}': {what}"]
        choices = spec.get("choices")
        for choice_node in choices.value if isinstance(choices, SequenceNode) else []:
            choice = _items(choice_node)
            cid = _text(choice.get("id")) or _text(choice.get("target"))
            if not cid:
                continue
            for key, what in CHOICE_FIELDS.items():
                value = _text(choice.get(key))
                if value:
                    yield (
                        _line(choice[key]),
                        PGETTEXT,
                        (f"{ctx}:{cid}", value),
                        [f"node '{nid}', choice '{cid}': {what}"],
                    )
        ending = _items(spec.get("ending"))
        for key, what in ENDING_FIELDS.items():
            value = _text(ending.get(key))
            if value:
                yield _line(ending[key]), PGETTEXT, (ctx, value), [f"node '{nid}': {what}"]
        messages = ending.get("messages")
        items = messages.value if isinstance(messages, SequenceNode) else [messages]
        for item in items:
            value = _text(item)
            if value:
                yield _line(item), PGETTEXT, (ctx, value), [f"node '{nid}': key message"]


def _extract_check(sid: str, top: Mapping[str, Node]) -> Iterator[Extracted]:
    """A knowledge check: questions, options (ids a, b, c ... by position) and the result."""
    questions = top.get("questions")
    for question_node in questions.value if isinstance(questions, SequenceNode) else []:
        question = _items(question_node)
        qid = _text(question.get("id"))
        if not qid:
            continue
        value = _text(question.get("text"))
        if value:
            line = _line(question["text"])
            yield line, PGETTEXT, (f"{sid}:{qid}", value), [f"question '{qid}'"]
        options = question.get("options")
        for number, option_node in enumerate(
            options.value if isinstance(options, SequenceNode) else [], 1
        ):
            option = _items(option_node)
            oid = _text(option.get("id")) or chr(ord("a") + number - 1)
            for key, what in (("label", "answer"), ("feedback", "why this answer is right or not")):
                value = _text(option.get(key))
                if value:
                    yield (
                        _line(option[key]),
                        PGETTEXT,
                        (f"{sid}:{qid}:{oid}", value),
                        [f"question '{qid}', option {oid}: {what}"],
                    )
    result = _items(top.get("result"))
    ctx = f"{sid}:result"
    for key, what in ENDING_FIELDS.items():
        value = _text(result.get(key))
        if value:
            yield _line(result[key]), PGETTEXT, (ctx, value), [f"result: {what}"]
    messages = result.get("messages")
    for item in messages.value if isinstance(messages, SequenceNode) else [messages]:
        value = _text(item)
        if value:
            yield _line(item), PGETTEXT, (ctx, value), ["result: key message"]


def extract_profiles(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield the titles and descriptions of the course profiles (profiles.yml)."""
    top = _items(_read(fileobj))
    for name, spec_node in _items(top.get("profiles")).items():
        spec = _items(spec_node)
        for key, what in (("title", "course title"), ("description", "course description")):
            value = _text(spec.get(key))
            if value:
                yield (
                    _line(spec[key]),
                    PGETTEXT,
                    (f"profile:{name}", value),
                    [f"course profile '{name}': {what}"],
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
        for key, what in (("name", "service name"), ("description", "what the service does")):
            value = _text(spec.get(key))
            if value:
                yield _line(spec[key]), PGETTEXT, (ctx, value), [f"help service '{sid}': {what}"]
        contacts = spec.get("contacts")
        for contact in contacts.value if isinstance(contacts, SequenceNode) else []:
            label = _items(contact).get("label")
            value = _text(label)
            if value and label is not None:
                yield (
                    _line(label),
                    PGETTEXT,
                    (ctx, value),
                    [f"help service '{sid}': label before a phone number"],
                )
