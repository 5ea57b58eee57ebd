"""The pure scenario core: definition, loading, validation, play and compilation.

Imports only the standard library and PyYAML, so every front end (terminal, Jupyter, Voila,
Sphinx) can depend on it without pulling in the others.
"""

from .collection import Collection, load_collection
from .compile import (
    PAYLOAD_FORMAT,
    Translate,
    compile_scenario,
    message_context,
    no_translation,
    translate_scenario,
    translate_service,
)
from .engine import (
    STATE_FORMAT,
    PlayError,
    PlayState,
    available_choices,
    choose,
    choose_number,
    ending,
    play_route,
    start,
)
from .graph import StateGraph, StateLimitError, expand
from .help import Contact, Service, load_help
from .loader import load_scenario, load_scenario_text
from .model import (
    AUDIENCES,
    ENDING_KINDS,
    MODI,
    Choice,
    Comparison,
    Condition,
    Effect,
    Ending,
    Node,
    Scenario,
    Variable,
)
from .problems import Location, Problem, Severity
from .validate import validate

__all__ = [
    "AUDIENCES",
    "ENDING_KINDS",
    "MODI",
    "PAYLOAD_FORMAT",
    "STATE_FORMAT",
    "Choice",
    "Collection",
    "Comparison",
    "Condition",
    "Contact",
    "Effect",
    "Ending",
    "Location",
    "Node",
    "PlayError",
    "PlayState",
    "Problem",
    "Scenario",
    "Service",
    "Severity",
    "StateGraph",
    "StateLimitError",
    "Translate",
    "Variable",
    "available_choices",
    "choose",
    "choose_number",
    "compile_scenario",
    "ending",
    "expand",
    "load_collection",
    "load_help",
    "load_scenario",
    "load_scenario_text",
    "message_context",
    "no_translation",
    "play_route",
    "start",
    "translate_scenario",
    "translate_service",
    "validate",
]
