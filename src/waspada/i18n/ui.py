"""The front end's and the book's own strings, in English, as gettext messages.

The keys are what the front end looks up in ``payload["ui"]``; the values are the English source
messages. ``{number}`` in ``step_label`` is filled in by the compiler, never by the browser.
"""

from __future__ import annotations

from ..scenario import Translate, no_translation
from ..scenario.compile import CONTACT_CONTEXT as CONTACT_CONTEXT  # help.yml's labels, shared

UI_CONTEXT = "ui"

UI_MESSAGES: dict[str, str] = {
    "tools": "Scenario controls",
    "back": "Back",
    "restart": "Start again",
    "large_text": "Large text",
    "quick_exit": "Quick exit",
    "hands": "Hands raised",
    "choice": "Choice",
    "route": "The route taken",
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
    "last_checked": "Source checked",
    "ending_safe": "Safe ending",
    "ending_mixed": "Mixed ending",
    "ending_harmed": "Harmful ending",
    "ending_check": "Knowledge check",
    "question_label": "Question {number} of {total}",
    "choose_answer": "Choose an answer",
    "correct": "Correct.",
    "not_correct": "Not the best answer.",
    "score_line": "You answered {score} of {total} questions correctly.",
    "check_passed": "Passed",
    "check_review": "Not passed yet: read the module again, then try once more",
    # The projector of a live session (issue 16; scenario.js in a live room, widget/live.py).
    # {count}, {right}, {total} and {percent} are whole numbers and {message} a translated
    # error: the browser fills them in.
    "live_title": "Live session",
    "live_join_at": "Phones join at",
    "live_join_qr": "QR code to join the session",
    "live_code_label": "Room code",
    "live_joined": "Phones joined: {count}",
    "live_control_link": "Your private control page",
    "live_control_qr": "QR code of your private control page",
    "live_control_warning": (
        "Open it on your own phone now, then hide it: whoever has this link can steer the "
        "session. Do not show it once the room is watching."
    ),
    "live_hide": "Hide",
    "live_starting": "Starting the live session…",
    "live_start_failed": "The live session could not be started: {message}",
    "live_reconnecting": "The connection to the room was lost. Trying again…",
    "live_expired": "This live session has ended or expired. Reload the page to start a new one.",
    "live_closed": "The session is over. Thank you for taking part.",
    "live_failed": "That did not work: {message}",
    "live_votes": "Votes",
    "live_total": "Total",
    "live_votes_hands": "Votes and hands",
    "live_phase_voting": "Voting is open.",
    "live_phase_revealed": "The result is shown. Choose the choice the story follows.",
    "live_reveal": "Show the result",
    "live_reopen": "Reopen the vote",
    "live_follow_most": "Follow the choice with most votes",
    "live_end": "End the session",
    "live_end_confirm": (
        "End the session for everyone? The phones' votes are deleted; the totals of the choices "
        "you followed are kept."
    ),
    "live_end_yes": "Yes, end the session",
    "live_cancel": "Cancel",
    "live_right_answer": "Right answer",
    "live_share_right": "Right: {right} of {total} ({percent}%)",
    "live_share_table": "Share of right answers per question",
    "live_question": "Question",
    "live_right": "Right",
}


def ui_strings(translate: Translate = no_translation) -> dict[str, str]:
    """All UI strings, translated."""
    return {key: translate(UI_CONTEXT, message) for key, message in UI_MESSAGES.items()}


# Strings of the Voila apps and the book that are not part of the scenario player.
APP_MESSAGES: dict[str, str] = {
    # Shown only where native speakers have not approved everything (i18n/review.py);
    # {percent} is a whole number from 1 to 100.
    "draft_notice_page": (
        "{percent}% of this page has not been reviewed by a native speaker yet. If something is "
        "unclear, compare it with another language version."
    ),
    "draft_notice_scenario": (
        "{percent}% of this scenario has not been reviewed by a native speaker yet. If something "
        "is unclear, compare it with another language version."
    ),
    "languages": "Languages",
    "gallery_title": "Scenarios",
    "facilitator_mode": "Facilitator mode",
    # The gallery and the player under `waspada serve --live` (issue 16).
    "open_live": "Open live",
    "open_live_checks": "Knowledge checks, live",
    "open_live_needs_serve": (
        "Live voting needs the apps started with 'waspada serve --live'. This is facilitator "
        "mode without phones."
    ),
    "choose_scenario": "Choose a scenario from the gallery.",
    "unknown_scenario": "There is no scenario '{id}' in this course. Choose one from the gallery.",
    "broken_scenario": (
        "The scenario '{id}' cannot be shown: it has errors. The course author can list them "
        "with 'waspada check'."
    ),
    "room_full": (
        "The room is full: every place on this computer is taken just now. Please try again in "
        "a minute."
    ),
    "too_fast": (
        "This device has opened many pages in a short time. Please wait a minute, then try again."
    ),
    "try_again": "Try again",
    # One language per screen (i18n/screen.py): a chapter or scenario not yet translated whole
    # into the reader's language is shown whole in the next language of the chain. {language}
    # and {fallback} are the languages' own names ("Base Sasak", "Bahasa Indonesia").
    "chapter_fallback": "This chapter is not yet in {language}; it is shown in {fallback}.",
    "scenario_fallback": "This scenario is not yet in {language}; it is shown in {fallback}.",
    # The text version of a scenario in a book page, for readers without JavaScript.
    "scenario_no_js": "(Interactive scenario: open the web version of the course to play it.)",
    # District overlays (districts/<id>.yml): a district's own offices and services.
    "address": "Address",
    "hours": "Opening hours",
    "checked_by": "Checked by {organisation} on {date}",
    "contact_card": "Contact card",
    "contact_card_title": "Where to get help: {district}",
    "contact_card_intro": (
        "For you, or for someone you know who was deceived, is held or is afraid. In danger now: "
        "call the police."
    ),
    "contact_card_print": "Print this page on A4: it holds two cards; cut along the line.",
    "scenario": "Scenario",
    "audience": "For",
    "methods": "Methods it teaches",
    "quick_exit_hint": "Leave this page at once (or press Escape twice)",
    "dashboard_no_js": "Your progress is shown here when JavaScript is on.",
    "dashboard_module": "Module",
    "dashboard_status": "Status",
    "dashboard_not_started": "Not started",
    "dashboard_passed": "Passed",
    "dashboard_review": "Not passed yet",
    "dashboard_open": "Go to the knowledge check",
    "dashboard_complete": "You have passed every knowledge check of this course.",
    "dashboard_incomplete": "Pass every knowledge check to complete the course.",
    "dashboard_name": "Your name (printed only, never saved)",
    "dashboard_print": "Print my completion summary",
    "dashboard_summary": "Completion summary",
    "dashboard_date": "Date",
    # The session page ({session-report}, widget/session.js): counts typed by the trainer and
    # a one-page report. {service}, {version}, {right}, {total} and {count} are filled in by
    # the browser.
    "session_no_js": "The session form works when JavaScript is on.",
    "session_privacy": (
        "Type counts only: no names, no phone numbers, no notes about people. Everything stays "
        "on this device until you download it."
    ),
    "session_saved_sessions": "Saved sessions",
    "session_new": "New session",
    "session_delete": "Delete this session",
    "session_delete_confirm": "Delete this session from this device? This cannot be undone.",
    "session_deleted": "The session was deleted from this device.",
    "session_unsaved": "New session (not saved yet)",
    "session_details": "The session",
    "session_date": "Date",
    "session_district": "District",
    "session_place": "Village or school",
    "session_place_hint": "A place, never a person's name.",
    "session_language": "Language of the report",
    "session_kit": "Kit",
    "session_kit_village": "Village session",
    "session_kit_school": "School lessons",
    "session_kit_health": "Health workers",
    "session_kit_full": "Full course",
    "session_scenarios": "Scenarios played",
    "session_check": "Before/after check",
    "session_check_how": (
        "Ask each question at the start and again at the end. Count the hands raised for each "
        "answer and type the numbers."
    ),
    "session_answer": "Answer",
    "session_before": "Before",
    "session_after": "After",
    "session_right_answer": "right answer",
    "session_room": "The room",
    "session_by_sex": "Participants by sex",
    "session_women": "Women",
    "session_men": "Men",
    "session_other": "Other or not said",
    "session_by_age": "Participants by age",
    "session_age_under_18": "Under 18",
    "session_age_18_25": "18 to 25",
    "session_age_26_45": "26 to 45",
    "session_age_over_45": "Over 45",
    "session_vote": "Satisfaction: hands raised for each face",
    "session_satisfied": "Satisfied",
    "session_neutral": "In between",
    "session_unsatisfied": "Not satisfied",
    "session_help": "Help and referrals (counts only)",
    "session_asked_for_help": "People who asked for help or were referred, in all",
    "session_referred": "Referred to {service}",
    "session_report": "Session report",
    "session_print": "Print the report",
    "session_csv": "Download CSV",
    "session_json": "Download JSON",
    "session_need_date": "Set the date of the session first.",
    "session_version": "Waspada course, version {version}",
    "session_question": "Question",
    "session_right_before": "Right before",
    "session_right_after": "Right after",
    "session_change": "Change",
    "session_share": "{right} of {total}",
    "session_points": "{change} points",
    "session_participants": "Participants: {count}",
    "session_none": "none",
    # Fill in the check from the phones (Voila under `waspada serve --live`): {time} is a date
    # and time (2026-03-14 09:05), {room} a room code, {count} a whole number.
    "session_phones": "Fill in from the phones",
    "session_phones_how": (
        "If you ran the check live on the phones at the start and again at the end, the two "
        "runs fill the table. Only the phones that answered both times are counted, each "
        "matched by a random number on the phone, never by a name."
    ),
    "session_phones_open": "Open the check live for the projector (in a new tab)",
    "session_phones_before": "Before (at the start)",
    "session_phones_after": "After (at the end)",
    "session_phones_run": "{time}, room {room}",
    "session_phones_swap": "Swap before and after",
    "session_phones_fill": "Fill in from the phones",
    "session_phones_none": (
        "No live run of this check was started in this browser yet. Open the check live at "
        "the start of the session and again at the end."
    ),
    "session_phones_one": (
        "One live run of this check was found. Run it live again at the end of the session, "
        "then fill in from the phones."
    ),
    "session_phones_same": "Choose two different runs: one before and one after.",
    "session_phones_working": "Getting the phones' answers…",
    "session_phones_replace": (
        "Replace the hands typed before and after for these questions with the phones' answers?"
    ),
    "session_phones_filled": "Filled in from the phones that answered both times: {count}.",
    "session_phones_nobody": "No phone answered both times. Nothing was changed.",
    "session_phones_expired": (
        "A room of this check is no longer on the server: rooms are deleted 3 hours after "
        "their last step. Nothing was changed. Type the hands instead."
    ),
    "session_phones_wrong_key": (
        "The server did not accept this browser's key for a room. Nothing was changed. Fill in "
        "from the browser that showed the check on the projector."
    ),
    "session_phones_not_pair": (
        "These two runs are not runs of this before/after check. Nothing was changed."
    ),
    "session_phones_failed": (
        "The phones' answers could not be fetched. Nothing was changed. Check that waspada "
        "serve --live is still running, then try again."
    ),
    # Whom a help service serves (help.yml `serves:`), shown next to its numbers.
    "serves": "Serves: {who}",
    "serves_everyone": "everyone",
    "serves_woman": "women",
    "serves_man": "men",
    "serves_child": "children",
    "serves_abroad": "Indonesians abroad",
    "serves_migrant-worker": "migrant workers",
    # A live session (issue 16, live/pages.py, live/static/join.js and control.js): the phone
    # join page and the facilitator's private control page. {code} is the room's code (4
    # digits), {count} and {total} whole numbers, {message} a translated error; the browser
    # fills them in. The pages also use the projector's live_* strings above (UI_MESSAGES).
    "live_room": "Room {code}",
    "live_join_heading": "Join a live session",
    "live_code_hint": "The code has 4 digits. It is shown on the screen at the front of the room.",
    "live_join": "Join",
    "live_unknown_room": (
        "There is no live session with the code {code} now. Check the code on the screen at "
        "the front of the room."
    ),
    "live_no_js": "Voting from this page needs JavaScript.",
    "live_private": "No name, no account: your vote is anonymous.",
    "live_connecting": "Connecting to the room…",
    "live_vote_now": "Tap your choice. You can change it until the result is shown.",
    "live_vote_counted": "Your vote is counted.",
    "live_vote_failed": "Your vote did not reach the room. Please tap your choice again.",
    "live_vote_closed": "Voting on this question is closed.",
    "live_result": "The room's votes",
    "live_share": "{count} of {total}",
    "live_your_vote": "Your vote",
    "live_wait": "Discuss together. The facilitator will go on in a moment.",
    "live_ended": "The story has reached its end.",
    "live_control_title": "Facilitator controls",
    "live_control_private": (
        "This page is for the facilitator only: keep it on your own phone or screen, never on "
        "the projector."
    ),
    "live_wrong_key": (
        "This page cannot control room {code}: the key in its link is missing or wrong. Open "
        "the control link shown on the projector at the start of the session."
    ),
    "live_follow_label": "The story follows",
    "live_most_votes": "most votes",
    "live_follow": "Follow this choice",
    "live_back": "Back one step",
}


def serves_text(serves: tuple[str, ...], translate: Translate = no_translation) -> str:
    """``("woman", "child")`` -> "Serves: women, children", translated; "" when empty."""
    if not serves:
        return ""
    who = ", ".join(translate(UI_CONTEXT, APP_MESSAGES[f"serves_{value}"]) for value in serves)
    return translate(UI_CONTEXT, APP_MESSAGES["serves"]).format(who=who)


# The terminal player's own prompts (`waspada play`); context "cli".
CLI_CONTEXT = "cli"
CLI_MESSAGES: dict[str, str] = {
    "prompt": "Choose 1-{count} (b = back, q = quit): ",
    "at_start": "This is the beginning; there is nothing to go back to.",
    "retry": "Please type a number from 1 to {count}, b or q.",
    "ending": "Ending",
    "stopped": "(the route stops at node '{node}', before an ending)",
}


def cli_strings(translate: Translate = no_translation) -> dict[str, str]:
    return {key: translate(CLI_CONTEXT, message) for key, message in CLI_MESSAGES.items()}


AUDIENCE_NAMES: dict[str, str] = {
    "village": "Village sessions",
    "health": "Health workers",
    "school": "Schools",
}

# What the book theme (src/waspada/book/theme) shows around every page, in Sphinx's "sphinx"
# gettext domain, plus what Sphinx's search page and search script say. Javanese, Sundanese and
# Sasak have no Sphinx catalogs upstream, so we carry these messages in our own.
THEME_MESSAGES: dict[str, tuple[str, ...]] = {
    "sphinx": (
        "Search",
        "Skip to main content",
        "Site navigation",
        "Contents",
        "previous",
        "next",
        "Search Results",
        "Searching",
        "Preparing search...",
        "Your search did not match any documents. Please make sure that all words are spelled "
        "correctly and that you've selected enough categories.",
        "Please activate JavaScript to enable the search functionality.",
        "Search finished, found ${resultCount} page(s) matching the search query.",
        # The title of the "¶" link Sphinx puts after each heading, figure, table...
        "Link to this heading",
        "Link to this image",
        "Link to this table",
        "Link to this code",
        "Link to this definition",
        "Link to this term",
        "Link to this toctree",
        "Link to this equation",
    ),
}
