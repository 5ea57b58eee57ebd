"""The front end's and the book's own strings, in English, as gettext messages.

The keys are what the front end looks up in ``payload["ui"]``; the values are the English source
messages. ``{number}`` in ``step_label`` is filled in by the compiler, never by the browser.
"""

from __future__ import annotations

from ..scenario import Translate, no_translation

UI_CONTEXT = "ui"

UI_MESSAGES: dict[str, str] = {
    "tools": "Scenario controls",
    "back": "Back",
    "restart": "Start again",
    "large_text": "Large text",
    "facilitator_view": "Facilitator view",
    "clear_progress": "Clear my progress",
    "progress": "Progress through the story",
    "step_label": "Decision {number}",
    "you_chose": "You chose",
    "discuss": "Discuss together",
    "notes": "Facilitator notes",
    "choose": "What should happen next?",
    "key_messages": "Key messages",
    "get_help": "Where to get help",
    "last_checked": "Number last checked",
    "ending_safe": "Safe ending",
    "ending_mixed": "Mixed ending",
    "ending_harmed": "Harmful ending",
}


def ui_strings(translate: Translate = no_translation) -> dict[str, str]:
    """All UI strings, translated."""
    return {key: translate(UI_CONTEXT, message) for key, message in UI_MESSAGES.items()}
