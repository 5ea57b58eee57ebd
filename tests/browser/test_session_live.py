"""The session page fills its before/after check from the phones (issues 16 and 17), in
Chromium against `waspada serve --live` on a copy of the real course: the check is run live
twice (rooms made as the projector's kernel makes them), five phones (separate browser contexts
on the join page, so five device tokens) answer, one only at the start and one only at the
end; the trainer's Voila session page lists the runs this browser started, fills the hands
with the counts of the phones that answered both times, and the report, its print (PDF read
back) and its JSON hold exactly those figures. A room that expired or a wrong key changes
nothing; no device token reaches the page; nothing leaves 127.0.0.1."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from waspada.i18n import translator
from waspada.live.pages import live_ui
from waspada.live.store import SqliteRoomStore, store_path
from waspada.project import Project
from waspada.session import check_items, session_check
from waspada.session_page import session_ui

from .conftest import ROOT, RequestLog, axe_violations, copy_course, serving_live

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DATE = "2026-11-21"
# Each phone's answers to the six questions (right: b, a, b, b, c, a); None: no answer.
BEFORE = {
    "rina": ["a", "b", "a", "b", "a", "a"],
    "dewi": ["b", "a", None, "a", "c", "b"],  # skipped the third question at the start
    "agus": ["c", "b", "c", "c", "a", "b"],
    "left-early": ["b", "a", "b", "b", "c", "a"],  # answered at the start only
}
AFTER = {
    "rina": ["b", "a", "b", "b", "c", "a"],
    "dewi": ["b", "a", "b", "b", "b", "a"],
    "agus": ["b", "a", "b", "b", "c", "a"],
    "came-late": ["a", "b", "a", "a", "a", "b"],  # answered at the end only
}


@pytest.fixture(scope="module")
def live_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real course (its before/after check, translations and Voila apps)."""
    return copy_course(tmp_path_factory.mktemp("session-live"))


@pytest.fixture(scope="module")
def server(live_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`waspada serve --live` on the copy; yields its base URL."""
    log = tmp_path_factory.mktemp("session-live-log") / "serve.log"
    with serving_live(live_course, log, max_kernels=5) as base:
        yield base


@pytest.fixture(scope="module")
def store(live_course: Path, server: str) -> Iterator[SqliteRoomStore]:
    """The room store the server reads, written as the projector's kernel writes it."""
    opened = SqliteRoomStore(store_path(live_course))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def items() -> list[dict]:
    check = session_check(Project(ROOT).load())
    assert check is not None and check.id == "session-check"
    return check_items(check)


def control(base: str, code: str, secret: str, **body: object) -> dict:
    """The facilitator moves the room on (as the projector and the control page do)."""
    request = urllib.request.Request(
        f"{base}/live/api/rooms/{code}/control",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Waspada-Secret": secret},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def vote(phone: object, label: str, choice: str, counted: str) -> None:
    """A phone taps its answer to the question headed ``label`` and sees it counted."""
    phone.wait_for_function(  # type: ignore[attr-defined]
        "l => document.querySelector('.wl-heading')?.textContent === l"
        " && document.querySelector('.wl-choice')",
        arg=label,
    )
    phone.locator(f'.wl-choice[data-choice="{choice}"]').click()  # type: ignore[attr-defined]
    phone.wait_for_function(  # type: ignore[attr-defined]
        """([choice, text]) => {
            const pressed = [...document.querySelectorAll('.wl-choice[aria-pressed=true]')];
            return pressed.length === 1 && pressed[0].dataset.choice === choice
                && document.getElementById('wl-counted').textContent === text;
        }""",
        arg=[choice, counted],
    )


def run_check_live(
    base: str, store: SqliteRoomStore, phones: dict[str, object], answers: dict[str, list]
) -> tuple[str, str]:
    """One live run of the check: the projector's kernel makes the room, the phones open the
    join page and answer each question, the facilitator reveals and moves on, then ends."""
    room, secret = store.create(scenario="session-check", lang="en", digest="", kind="check")
    counted = live_ui(translator(ROOT / "locales", "en"))["live_vote_counted"]
    for name in answers:
        phones[name].goto(f"{base}/j/{room.code}")  # type: ignore[attr-defined]
    request = urllib.request.Request(
        f"{base}/live/api/rooms/{room.code}", headers={"X-Waspada-Secret": secret}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        view = json.loads(answer.read())  # what the facilitator sees
    for step in range(len(next(iter(answers.values())))):
        assert view["step"] == step and view["phase"] == "voting"
        for name, chosen in answers.items():
            if chosen[step]:
                vote(phones[name], view["label"], chosen[step], counted)
        view = control(base, room.code, secret, action="reveal")
        assert sum(view["votes"].values()) == sum(1 for a in answers.values() if a[step])
        view = control(base, room.code, secret, action="follow", choice=view["choices"][0]["id"])
    control(base, room.code, secret, action="end")
    return room.code, secret


def paired(items: list[dict]) -> dict[str, dict[str, tuple[int, int]]]:
    """What the report must show: per item, (right, answers) before and after among the
    phones that answered that item both times."""
    out = {}
    for step, item in enumerate(items):
        right = {o["id"] for o in item["options"] if o["correct"]}
        both = [p for p in BEFORE if BEFORE[p][step] and AFTER.get(p, [None] * 6)[step]]
        out[item["id"]] = {
            phase: (sum(1 for p in both if answers[p][step] in right), len(both))
            for phase, answers in (("before", BEFORE), ("after", AFTER))
        }
    return out


def shown_share(right: int, total: int) -> str:
    return f"{right} of {total} ({round(100 * right / total)}%)"


def test_the_check_is_filled_from_the_phones_that_answered_both_times(
    browser: object, server: str, store: SqliteRoomStore, items: list[dict]
) -> None:
    from .test_kits import pdf_pages
    from .test_session import download

    log = RequestLog()
    contexts = []

    def context(viewport: dict[str, int]) -> object:
        opened = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
        opened.on("request", lambda request: log.urls.append(request.url))
        contexts.append(opened)
        return opened

    try:
        phones = {}
        for name in [*BEFORE, "came-late"]:
            phones[name] = context(PHONE).new_page()  # type: ignore[attr-defined]
            phones[name].set_default_timeout(20_000)
        before = run_check_live(server, store, phones, BEFORE)
        after = run_check_live(server, store, phones, AFTER)
        tokens = [
            p.evaluate("localStorage.getItem('waspada:live-device')") for p in phones.values()
        ]
        assert len(set(tokens)) == 5 and all(tokens)  # five phones, five device tokens
        # Another room of the same check whose key this browser got wrong, and a story room.
        other, _ = store.create(scenario="session-check", lang="en", digest="", kind="check")
        story, story_key = store.create(scenario="cafe-singer", lang="en", digest="", kind="story")

        # The trainer's browser: the projector pages it showed kept their rooms (the contract
        # of scenario.js in live mode), oldest first.
        trainer = context({"width": 1280, "height": 900})
        page = trainer.new_page()  # type: ignore[attr-defined]
        page.set_default_timeout(30_000)
        check, minute = "session-check", 60_000
        runs = [
            {"room": room, "key": key, "scenario": sid, "started": started * minute}
            for room, key, sid, started in (
                ("987654", "gone", check, 1),  # expired: no longer on the server
                (other.code, "wrong", check, 2),
                (before[0], before[1], check, 3),
                (story.code, story_key, "cafe-singer", 4),  # not the check
                (after[0], after[1], check, 5),
            )
        ]
        page.goto(f"{server}/j")  # same origin as the projector's and the session's pages
        page.evaluate("r => localStorage.setItem('waspada:live-rooms', r)", json.dumps(runs[:-1]))
        page.goto(f"{server}/voila/render/session.ipynb?lang=en&profile=village", timeout=90_000)
        page.locator(".wsp-session-phones").wait_for(timeout=90_000)
        text = session_ui(translator(ROOT / "locales", "en"))
        opener = page.get_by_role("link", name=text["session_phones_open"])
        assert opener.get_attribute("href") == (
            "player.ipynb?scenario=session-check&lang=en&mode=facilitator&live=1&profile=village"
        )
        page.get_by_label("Date", exact=True).fill(DATE)
        first = items[0]["id"]
        typed = page.locator(f'.wsp-session-item[data-wsp-item="{first}"] input').first
        typed.fill("9")  # a hand typed before the phones' answers were fetched

        # The runs of this check, the two latest chosen: before (earlier), after (later).
        chosen_before = page.get_by_label(text["session_phones_before"], exact=True)
        chosen_after = page.get_by_label(text["session_phones_after"], exact=True)
        assert chosen_before.input_value() == other.code
        assert chosen_after.input_value() == before[0]
        # The run at the end of the session is started in another tab (the projector's): the
        # list follows.
        projector = trainer.new_page()  # type: ignore[attr-defined]
        projector.goto(f"{server}/j")
        projector.evaluate("r => localStorage.setItem('waspada:live-rooms', r)", json.dumps(runs))
        projector.close()
        page.wait_for_function(
            "room => [...document.querySelectorAll('.wsp-session-phones-run')]"
            ".map(s => s.value).join() === room",
            arg=f"{before[0]},{after[0]}",
        )
        listed = chosen_before.locator("option").all_text_contents()
        assert [re.sub(r"^.*room ", "", t) for t in listed] == [
            "987654", other.code, before[0], after[0],
        ]  # fmt: skip
        assert typed.input_value() == "9"
        page.get_by_role("button", name=text["session_phones_swap"]).click()
        assert chosen_before.input_value() == after[0] and chosen_after.input_value() == before[0]
        page.get_by_role("button", name=text["session_phones_swap"]).click()

        # An expired room, a wrong key, the same run twice: a clear message, nothing changed.
        fill = page.get_by_role("button", name=text["session_phones_fill"], exact=True)
        status = page.locator(".wsp-session-phones-status")
        for room, message in (
            ("987654", text["session_phones_expired"]),
            (other.code, text["session_phones_wrong_key"]),
            (after[0], text["session_phones_same"]),
        ):
            chosen_before.select_option(room)
            fill.click()
            page.wait_for_function(
                "m => document.querySelector('.wsp-session-phones-status').textContent === m",
                arg=message,
            )
            assert "wsp-session-problem" in (status.get_attribute("class") or "")
            assert typed.input_value() == "9"
            assert (
                page.locator(".wsp-session-hand").evaluate_all(
                    "inputs => inputs.filter(i => i.value !== '').length"
                )
                == 1
            )
        chosen_before.select_option(before[0])

        # Fill in: the trainer confirms replacing the typed hand; counts only come back.
        asked: list[str] = []

        def answer(dialog) -> None:
            asked.append(dialog.message)
            dialog.accept()

        page.on("dialog", answer)
        with page.expect_response(lambda r: r.url.endswith("/live/api/pairs")) as got:
            fill.click()
        pairs = got.value.json()
        page.wait_for_function(
            "m => document.querySelector('.wsp-session-phones-status').textContent === m",
            arg=text["session_phones_filled"].format(count=3),
        )
        assert asked == [text["session_phones_replace"]]
        assert not [t for t in tokens if t in json.dumps(pairs)]
        stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
        assert not [t for t in tokens if t in stored]

        # The hands now hold the paired counts per option (the late and early phones left out).
        expected = paired(items)
        for step, item in enumerate(items):
            box = page.locator(f'.wsp-session-item[data-wsp-item="{item["id"]}"]')
            for phase, answers in (("before", BEFORE), ("after", AFTER)):
                both = [p for p in BEFORE if BEFORE[p][step] and AFTER.get(p, [None] * 6)[step]]
                for option in item["options"]:
                    hands = sum(1 for p in both if answers[p][step] == option["id"])
                    cell = box.locator(
                        f'input[data-wsp-phase="{phase}"][data-wsp-option="{option["id"]}"]'
                    )
                    assert cell.input_value() == str(hands), (item["id"], phase, option["id"])

        # The report shows per item the share right before and after among the pairs.
        shares = []
        for item in items:
            (b_right, b_total), (a_right, a_total) = expected[item["id"]].values()
            row = page.locator(f'.wsp-session-results tr[data-wsp-item="{item["id"]}"] td')
            cells = row.all_text_contents()
            assert cells[:2] == [shown_share(b_right, b_total), shown_share(a_right, a_total)]
            shares += cells[:2]
        assert expected["leaving-in-secret"]["before"] == (0, 2)  # dewi skipped it at the start
        assert expected["job-offer"]["before"] == (1, 3)  # not 2 of 4 with left-early's answer

        # Kept over a reload, printed and exported with the same figures.
        page.reload()
        page.locator(".wsp-session-phones").wait_for(timeout=90_000)
        assert page.locator(".wsp-session-results td").all_text_contents()[::3][:6] == shares[::2]
        page.evaluate("window.print = () => {}")
        page.get_by_role("button", name=text["session_print"]).click()
        printed = pdf_pages(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
        flat = " ".join(" ".join(printed).split())
        assert len(printed) == 1
        assert re.findall(r"\d+ of \d+ \(\d+%\)", flat) == shares
        assert text["session_phones"] not in flat  # the form is not printed
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        _, raw = download(page, text["session_json"])
        record = json.loads(raw)
        for item in items:
            for phase in ("before", "after"):
                right, total = expected[item["id"]][phase]
                assert record[f"q_{item['id']}_{phase}_right"] == right
                assert record[f"q_{item['id']}_{phase}_total"] == total
        assert axe_violations(page, ".wsp-session-phones") == []
    finally:
        for opened in contexts:
            opened.close()  # type: ignore[attr-defined]
    assert log.urls and log.external() == []
