"""YAML file -> :class:`Scenario`, with every schema problem located."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from yaml.nodes import Node as YamlNode
from yaml.nodes import ScalarNode

from ._yaml import MAX_DIGITS, Reader, compose_file, compose_text, excerpt
from .model import (
    AUDIENCES,
    CHARACTERS,
    CHECK_ENDING,
    ENDING_KINDS,
    MODI,
    SCENARIO_KINDS,
    SCORE,
    Choice,
    Comparison,
    Condition,
    Effect,
    Ending,
    Node,
    Scenario,
    Variable,
)
from .problems import Problem, suggest

SCENARIO_KEYS = (
    "id", "kind", "title", "summary", "audiences", "modi", "characters", "start", "variables",
    "nodes",
)  # fmt: skip
CHECK_KEYS = (
    "id",
    "kind",
    "title",
    "summary",
    "audiences",
    "module",
    "pass",
    "questions",
    "result",
)
QUESTION_KEYS = ("id", "text", "options")
OPTION_KEYS = ("id", "label", "correct", "feedback")
RESULT_NODE = "result"
NODE_KEYS = ("text", "notes", "prompt", "choices", "ending")
CHOICE_KEYS = ("id", "label", "target", "feedback", "effects", "condition")
ENDING_KEYS = ("kind", "title", "debrief", "messages", "help")
VARIABLE_KEYS = ("initial", "min", "max", "description")

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TERM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(==|!=|<=|>=|<|>|=)\s*([+-]?\d+)\s*$")


def load_scenario(
    path: Path | str, *, help_ids: Collection[str] | None = None, display: str | None = None
) -> tuple[Scenario | None, list[Problem]]:
    """Load one scenario file. Returns the scenario (None if unusable) and the problems found.

    ``help_ids`` are the services endings may point to; None skips that check.
    """
    path = Path(path)
    name = display or str(path)
    tree, problems = compose_file(path, name)
    if any(p.is_error for p in problems):
        return None, problems
    scenario, more = _build(tree, name, help_ids)
    return scenario, problems + more


def load_scenario_text(
    text: str, file: str = "<scenario>", *, help_ids: Collection[str] | None = None
) -> tuple[Scenario | None, list[Problem]]:
    """Load a scenario from YAML text (tests and tools that hold text in memory)."""
    tree, problem = compose_text(text, file)
    if problem:
        return None, [problem]
    return _build(tree, file, help_ids)


def _build(
    tree: YamlNode | None, file: str, help_ids: Collection[str] | None
) -> tuple[Scenario | None, list[Problem]]:
    r = Reader(file)
    kind = _kind(tree)
    if kind == "check":
        return _build_check(r, tree, help_ids)
    if tree is None:
        from .problems import Location

        return None, [
            Problem(
                Location(file, 1, 1),
                "the file is empty; see scenarios/README.md for a complete example",
            )
        ]
    if kind not in (None, "story"):
        from yaml.nodes import MappingNode

        assert isinstance(tree, MappingNode)
        kind_node = next(v for k, v in tree.value if getattr(k, "value", None) == "kind")
        r.error(
            kind_node,
            f"unknown kind '{kind}'{suggest(kind, SCENARIO_KINDS)}; use 'story' (the default) "
            "or 'check' (a knowledge check, see scenarios/README.md)",
        )
        return None, r.problems
    top = r.mapping(
        tree,
        "the scenario",
        allowed=SCENARIO_KEYS,
        required=("id", "title", "start", "nodes", "audiences", "modi"),
    )
    if top is None:
        return None, r.problems

    def get(key: str) -> YamlNode | None:
        return top[key][1] if key in top else None

    sid = r.slug(get("id"), "the scenario id") if get("id") else None
    title = r.text(get("title"), "the title") if get("title") else None
    summary = r.text(get("summary"), "the summary") if get("summary") else ""
    audiences = _vocabulary(r, get("audiences"), "audience", AUDIENCES)
    modi = _vocabulary(r, get("modi"), "modus", MODI)
    characters = _characters(r, get("characters"))
    start = r.slug(get("start"), "start") if get("start") else None
    variables = _variables(r, get("variables")) if get("variables") else {}
    nodes = _nodes(r, get("nodes"), variables, help_ids) if get("nodes") else {}

    if sid is None or title is None or start is None or not nodes:
        return None, r.problems
    scenario = Scenario(
        id=sid,
        title=title,
        summary=summary or "",
        audiences=audiences,
        modi=modi,
        start=start,
        nodes=nodes,
        variables=variables,
        location=r.loc(tree),
        characters=characters,
    )
    if start not in nodes:
        r.error(top["start"][1], f"start node '{start}' does not exist{suggest(start, nodes)}")
    return scenario, r.problems


def _vocabulary(
    r: Reader, node: YamlNode | None, what: str, allowed: tuple[str, ...]
) -> tuple[str, ...]:
    if node is None:
        return ()
    items = r.sequence(node, f"the {what} list", allow_scalar=True)
    if items is None:
        return ()
    out: list[str] = []
    for item in items:
        value = r.text(item, f"an {what}" if what[0] in "aeiou" else f"a {what}")
        if value is None:
            continue
        if value not in allowed:
            r.error(
                item,
                f"unknown {what} '{value}'{suggest(value, allowed)}; "
                f"use one of: {', '.join(allowed)}",
            )
        elif value in out:
            r.warn(item, f"{what} '{value}' is listed twice")
        else:
            out.append(value)
    if not items:
        r.error(node, f"the {what} list is empty; name at least one of: {', '.join(allowed)}")
    return tuple(out)


def _characters(r: Reader, node: YamlNode | None) -> tuple[str, ...]:
    """Who the story is about. A story without it is reported by the help check
    (:func:`validate.check_help_for_characters`), which needs it to match endings and services."""
    return _vocabulary(r, node, "character", CHARACTERS) if node is not None else ()


def _variables(r: Reader, node: YamlNode) -> dict[str, Variable]:
    entries = r.mapping(node, "variables")
    out: dict[str, Variable] = {}
    for name, (key_node, value_node) in (entries or {}).items():
        if not _NAME.match(name):
            r.error(
                key_node,
                f"variable name '{name}' must start with a lower-case letter and "
                "contain only lower-case letters, digits and '_'",
            )
            continue
        spec = r.mapping(
            value_node,
            f"variable '{name}'",
            allowed=VARIABLE_KEYS,
            required=("initial", "min", "max"),
        )
        if spec is None or not all(k in spec for k in ("initial", "min", "max")):
            continue
        initial = r.integer(spec["initial"][1], f"the initial value of '{name}'")
        low = r.integer(spec["min"][1], f"the min of '{name}'")
        high = r.integer(spec["max"][1], f"the max of '{name}'")
        if initial is None or low is None or high is None:
            continue
        if low > high:
            r.error(spec["min"][1], f"variable '{name}' has min {low} above max {high}; swap them")
            continue
        if not low <= initial <= high:
            r.error(
                spec["initial"][1],
                f"the initial value {initial} of '{name}' is outside its range {low}..{high}",
            )
            continue
        description = ""
        if "description" in spec:
            description = r.text(spec["description"][1], f"the description of '{name}'") or ""
        out[name] = Variable(name, initial, low, high, description, r.loc(key_node))
    return out


def _nodes(
    r: Reader, node: YamlNode, variables: dict[str, Variable], help_ids: Collection[str] | None
) -> dict[str, Node]:
    entries = r.mapping(node, "nodes")
    if entries is not None and not entries:
        r.error(node, "the scenario has no nodes; add at least a start node and an ending")
    out: dict[str, Node] = {}
    for nid, (key_node, value_node) in (entries or {}).items():
        if r.slug(key_node, "node id") is None:
            continue
        spec = r.mapping(value_node, f"node '{nid}'", allowed=NODE_KEYS, required=("text",))
        if spec is None:
            continue
        text = r.text(spec["text"][1], f"the text of node '{nid}'") if "text" in spec else None
        notes = r.text(spec["notes"][1], f"the notes of node '{nid}'") if "notes" in spec else ""
        prompt = (
            r.text(spec["prompt"][1], f"the prompt of node '{nid}'") if "prompt" in spec else ""
        )
        choices: tuple[Choice, ...] = ()
        ending: Ending | None = None
        if "choices" in spec and "ending" in spec:
            r.error(
                spec["ending"][0],
                f"node '{nid}' has both 'choices' and 'ending'; an ending "
                "ends the story, so remove one of them",
            )
        elif "choices" in spec:
            choices = _choices(r, nid, spec["choices"][1], variables)
        elif "ending" in spec:
            ending = _ending(r, nid, spec["ending"][1], help_ids)
        else:
            r.error(
                value_node,
                f"node '{nid}' has neither 'choices' nor 'ending'; add choices "
                "that lead on, or make it an ending",
            )
        out[nid] = Node(
            nid, text or "", notes or "", prompt or "", choices, ending, r.loc(key_node)
        )
    return out


def _choices(
    r: Reader, nid: str, node: YamlNode, variables: dict[str, Variable]
) -> tuple[Choice, ...]:
    items = r.sequence(node, f"the choices of node '{nid}'")
    if items is None:
        return ()
    if not items:
        r.error(node, f"node '{nid}' has an empty choice list; add choices or make it an ending")
    out: list[Choice] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items, 1):
        what = f"choice {number} of node '{nid}'"
        spec = r.mapping(item, what, allowed=CHOICE_KEYS, required=("label", "target"))
        if spec is None or "target" not in spec or "label" not in spec:
            continue
        label = r.text(spec["label"][1], f"the label of {what}")
        target = r.slug(spec["target"][1], f"the target of {what}")
        if label is None or target is None:
            continue
        cid = target
        if "id" in spec:
            cid = r.slug(spec["id"][1], f"the id of {what}") or target
        if cid in seen:
            r.error(
                item,
                f"{what} has the same id '{cid}' as choice {seen[cid]}; give one of them "
                "its own 'id:' (a slug), since translations and saved progress use it",
            )
            continue
        seen[cid] = number
        feedback = (
            r.text(spec["feedback"][1], f"the feedback of {what}") if "feedback" in spec else ""
        )
        effects = _effects(r, what, spec["effects"][1], variables) if "effects" in spec else ()
        condition = (
            _condition(r, what, spec["condition"][1], variables) if "condition" in spec else None
        )
        out.append(
            Choice(
                cid,
                label,
                target,
                feedback or "",
                effects,
                condition,
                location=r.loc(item),
                target_location=r.loc(spec["target"][1]),
            )
        )
    return tuple(out)


def _effects(
    r: Reader, what: str, node: YamlNode, variables: dict[str, Variable]
) -> tuple[Effect, ...]:
    entries = r.mapping(node, f"the effects of {what}")
    out: list[Effect] = []
    for name, (key_node, value_node) in (entries or {}).items():
        if name not in variables:
            r.error(
                key_node,
                f"the effects of {what} change '{name}', which is not declared"
                f"{suggest(name, variables)}; declare it under 'variables:'",
            )
            continue
        value = r.integer(value_node, f"the effect on '{name}'")
        if value is None:
            continue
        raw = value_node.value if isinstance(value_node, ScalarNode) else ""
        relative = raw.lstrip().startswith(("+", "-"))
        var = variables[name]
        if not relative and not var.minimum <= value <= var.maximum:
            r.error(
                value_node,
                f"{what} sets '{name}' to {value}, outside its range {var.minimum}..{var.maximum}",
            )
            continue
        out.append(Effect(name, value, relative, r.loc(key_node)))
    return tuple(out)


def _condition(
    r: Reader, what: str, node: YamlNode, variables: dict[str, Variable]
) -> Condition | None:
    source = r.text(node, f"the condition of {what}")
    if source is None:
        return None
    terms: list[Comparison] = []
    for part in re.split(r"\s+and\s+", source):
        match = _TERM.match(part)
        if not match:
            r.error(
                node,
                f"cannot read the condition '{excerpt(source)}' of {what}; write comparisons "
                "such as 'risk >= 2', joined by 'and'",
            )
            return None
        name, op, digits = match.group(1), match.group(2), match.group(3)
        if len(digits.lstrip("+-")) > MAX_DIGITS:
            r.error(
                node,
                f"the condition of {what} compares '{name}' with a number of "
                f"{len(digits.lstrip('+-'))} digits; use a whole number of at most "
                f"{MAX_DIGITS} digits",
            )
            return None
        number = int(digits)
        if op == "=":
            r.error(
                node, f"the condition '{excerpt(source)}' of {what} uses '='; write '==' to compare"
            )
            return None
        if name not in variables:
            r.error(
                node,
                f"the condition of {what} uses '{name}', which is not declared"
                f"{suggest(name, variables)}; declare it under 'variables:'",
            )
            return None
        var = variables[name]
        if not var.minimum <= number <= var.maximum:
            r.warn(
                node,
                f"the condition '{part.strip()}' of {what} compares '{name}' with "
                f"{number}, outside its range {var.minimum}..{var.maximum}",
            )
        terms.append(Comparison(name, op, number))
    return Condition(tuple(terms), r.loc(node))


def _ending(
    r: Reader,
    nid: str,
    node: YamlNode,
    help_ids: Collection[str] | None,
    kind: str | None = None,
) -> Ending | None:
    """An ending; a check's result passes its ``kind`` and has no ``kind:`` key of its own."""
    what = f"the ending of node '{nid}'" if kind is None else "the result"
    allowed = ENDING_KEYS if kind is None else tuple(k for k in ENDING_KEYS if k != "kind")
    required = ("kind", "debrief", "help") if kind is None else ("debrief", "help")
    spec = r.mapping(node, what, allowed=allowed, required=required)
    if spec is None:
        return None
    if kind is None:
        kind = r.text(spec["kind"][1], f"the kind of {what}") if "kind" in spec else None
        if kind is not None and kind not in ENDING_KINDS:
            r.error(
                spec["kind"][1],
                f"unknown ending kind '{kind}'{suggest(kind, ENDING_KINDS)}; "
                f"use one of: {', '.join(ENDING_KINDS)}",
            )
            kind = None
    debrief = r.text(spec["debrief"][1], f"the debrief of {what}") if "debrief" in spec else None
    title = r.text(spec["title"][1], f"the title of {what}") if "title" in spec else ""
    messages: list[str] = []
    if "messages" in spec:
        for item in (
            r.sequence(spec["messages"][1], f"the key messages of {what}", allow_scalar=True) or []
        ):
            text = r.text(item, f"a key message of {what}")
            if text:
                messages.append(text)
    helps: list[str] = []
    if "help" in spec:
        items = r.sequence(spec["help"][1], f"the help list of {what}", allow_scalar=True) or []
        if not items:
            r.error(
                spec["help"][1],
                f"{what} points to no help; name at least one service "
                "from help.yml, such as sapa-129",
            )
        for item in items:
            hid = r.slug(item, f"a help id of {what}")
            if hid is None:
                continue
            if help_ids is not None and hid not in help_ids:
                r.error(
                    item,
                    f"unknown help id '{hid}'{suggest(hid, help_ids)}; use a service "
                    f"from help.yml: {', '.join(sorted(help_ids))}",
                )
                continue
            helps.append(hid)
    if kind is None or debrief is None:
        return None
    help_at = r.loc(spec["help"][1]) if "help" in spec else r.loc(node)
    return Ending(kind, debrief, tuple(messages), tuple(helps), title or "", r.loc(node), help_at)


def _kind(tree: YamlNode | None) -> str | None:
    """The top-level ``kind:`` value, if the file is a mapping that has one."""
    from yaml.nodes import MappingNode

    if not isinstance(tree, MappingNode):
        return None
    for key, value in tree.value:
        if isinstance(key, ScalarNode) and key.value == "kind":
            return value.value if isinstance(value, ScalarNode) else ""
    return None


def _build_check(
    r: Reader, tree: YamlNode, help_ids: Collection[str] | None
) -> tuple[Scenario | None, list[Problem]]:
    """A knowledge check, loaded into the same model as a story.

    Each question becomes a node whose options are choices leading to the next question; a
    correct option adds one to the ``score`` variable, and the last question leads to the one
    result ending. The compiled payload then tells the learner the score and whether it passes.
    """
    top = r.mapping(
        tree,
        "the knowledge check",
        allowed=CHECK_KEYS,
        required=("id", "title", "audiences", "module", "pass", "questions", "result"),
    )
    if top is None:
        return None, r.problems

    def get(key: str) -> YamlNode | None:
        return top[key][1] if key in top else None

    sid = r.slug(get("id"), "the check id") if get("id") else None
    title = r.text(get("title"), "the title") if get("title") else None
    summary = r.text(get("summary"), "the summary") if get("summary") else ""
    audiences = _vocabulary(r, get("audiences"), "audience", AUDIENCES)
    module = r.text(get("module"), "the module") if get("module") else None
    pass_mark = r.integer(get("pass"), "the pass mark") if get("pass") else None

    questions: list[tuple[str, YamlNode, str, list[tuple[str, str, bool, str, YamlNode]]]] = []
    items = r.sequence(get("questions"), "the questions") if get("questions") else None
    if items is not None and not items:
        r.error(get("questions"), "the check has no questions; add at least one")
    seen: set[str] = set()
    for number, item in enumerate(items or [], 1):
        what = f"question {number}"
        spec = r.mapping(item, what, allowed=QUESTION_KEYS, required=("id", "text", "options"))
        if spec is None or not all(k in spec for k in QUESTION_KEYS):
            continue
        qid = r.slug(spec["id"][1], f"the id of {what}")
        text = r.text(spec["text"][1], f"the text of {what}")
        if qid is None or text is None:
            continue
        if qid in seen or qid == RESULT_NODE:
            r.error(spec["id"][1], f"{what} repeats the id '{qid}'; give it its own id")
            continue
        seen.add(qid)
        options = _options(r, f"{what} ('{qid}')", spec["options"][1])
        if options:
            questions.append((qid, spec["id"][1], text, options))

    result = None
    if get("result") is not None:
        result = _ending(r, RESULT_NODE, get("result"), help_ids, kind=CHECK_ENDING)
    if pass_mark is not None and items and not 1 <= pass_mark <= len(items):
        r.error(
            get("pass"),
            f"the pass mark {pass_mark} must be between 1 and the number of questions "
            f"({len(items)})",
        )
    if sid is None or title is None or module is None or result is None or not questions:
        return None, r.problems
    if len(questions) != len(items or []) or pass_mark is None:
        return None, r.problems

    nodes: dict[str, Node] = {}
    for position, (qid, qnode, text, options) in enumerate(questions):
        target = questions[position + 1][0] if position + 1 < len(questions) else RESULT_NODE
        choices = tuple(
            Choice(
                oid,
                label,
                target,
                feedback,
                (Effect(SCORE, 1, True, r.loc(onode)),) if correct else (),
                correct=correct,
                location=r.loc(onode),
                target_location=r.loc(onode),
            )
            for oid, label, correct, feedback, onode in options
        )
        nodes[qid] = Node(qid, text, choices=choices, location=r.loc(qnode))
    nodes[RESULT_NODE] = Node(RESULT_NODE, "", ending=result, location=result.location)
    score = Variable(SCORE, 0, 0, len(questions), "correct answers", r.loc(tree))
    return (
        Scenario(
            id=sid,
            title=title,
            summary=summary or "",
            audiences=audiences,
            modi=(),
            start=questions[0][0],
            nodes=nodes,
            variables={SCORE: score},
            location=r.loc(tree),
            kind="check",
            module=module,
            pass_mark=pass_mark,
        ),
        r.problems,
    )


def _options(r: Reader, what: str, node: YamlNode) -> list[tuple[str, str, bool, str, YamlNode]]:
    items = r.sequence(node, f"the options of {what}")
    if items is None:
        return []
    if len(items) < 2:
        r.error(node, f"{what} needs at least two options")
        return []
    out: list[tuple[str, str, bool, str, YamlNode]] = []
    seen: set[str] = set()
    for number, item in enumerate(items, 1):
        where = f"option {number} of {what}"
        spec = r.mapping(item, where, allowed=OPTION_KEYS, required=("label", "feedback"))
        if spec is None or "label" not in spec or "feedback" not in spec:
            continue
        oid = chr(ord("a") + number - 1) if number <= 26 else f"o{number}"
        if "id" in spec:
            oid = r.slug(spec["id"][1], f"the id of {where}") or oid
        if oid in seen:
            r.error(item, f"{where} repeats the id '{oid}'; give it its own id")
            continue
        seen.add(oid)
        label = r.text(spec["label"][1], f"the label of {where}")
        feedback = r.text(spec["feedback"][1], f"the feedback of {where}")
        correct = False
        if "correct" in spec:
            flag = spec["correct"][1]
            value = flag.value if isinstance(flag, ScalarNode) else None
            if value not in ("true", "false"):
                r.error(flag, f"'correct' of {where} must be true or false")
            correct = value == "true"
        if label is None or feedback is None:
            continue
        out.append((oid, label, correct, feedback, item))
    if len(out) == len(items) and not any(correct for _, _, correct, _, _ in out):
        r.error(
            node, f"none of the options of {what} is marked 'correct: true'; mark the right one"
        )
        return []
    return out
