"""The live session's phone join page and facilitator control page in Chromium (issue 16),
against `waspada serve --live` on a copy of the real course: several phones (separate browser
contexts, so separate device tokens) vote, the control page reveals and follows, the phones
follow the room to an ending; a reload keeps a vote; the page in Javanese; no key, no control;
nothing leaves 127.0.0.1 and no cookie is set."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from waspada.i18n import translator
from waspada.live.pages import live_ui
from waspada.live.store import SqliteRoomStore, store_path

from .conftest import (
    ROOT,
    XSS_SCENARIO,
    Screens,
    axe_violations,
    copy_course,
    offline_screens,
    serving_live,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SMALLEST = {"width": 320, "height": 640}


def ui(lang: str) -> dict[str, str]:
    return live_ui(translator(ROOT / "locales", lang))


@pytest.fixture(scope="module")
def live_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real course, with a scenario whose text is hostile."""
    target = tmp_path_factory.mktemp("live-course")
    return copy_course(target, {"hostile-text.yml": XSS_SCENARIO})


@pytest.fixture(scope="module")
def server(live_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`waspada serve --live` on the copy; yields its base URL."""
    with serving_live(live_course, tmp_path_factory.mktemp("live-log") / "serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def store(live_course: Path, server: str) -> Iterator[SqliteRoomStore]:
    """The room store the server reads (the projector's kernel writes to it the same way)."""
    opened = SqliteRoomStore(store_path(live_course))
    yield opened
    opened.close()


@pytest.fixture
def devices(browser: object) -> Iterator[Screens]:
    """Phones and control pages (one browser context each)."""
    yield from offline_screens(Screens(browser, PHONE, 20_000))


def api(base: str, code: str, lang: str, secret: str | None = None) -> dict:
    request = urllib.request.Request(f"{base}/live/api/rooms/{code}?lang={lang}")
    if secret:
        request.add_header("X-Waspada-Secret", secret)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def vote(page: object, choice: str, text: str) -> None:
    button = page.locator(f'.wl-choice[data-choice="{choice}"]')  # type: ignore[attr-defined]
    button.click()
    page.wait_for_function(  # type: ignore[attr-defined]
        """([choice, text]) => {
            const pressed = [...document.querySelectorAll('.wl-choice[aria-pressed=true]')];
            return pressed.length === 1 && pressed[0].dataset.choice === choice
                && document.getElementById('wl-counted').textContent === text;
        }""",
        arg=[choice, text],
    )


def bar_counts(page: object) -> dict[str, str]:
    page.wait_for_selector(".wl-totals")  # type: ignore[attr-defined]
    return page.evaluate(  # type: ignore[attr-defined]
        """() => Object.fromEntries([...document.querySelectorAll('.wl-total')].map(
            item => [item.dataset.choice, item.querySelector('.wl-count').textContent]))"""
    )


def open_control(devices: Screens, base: str, code: str, secret: str, lang: str) -> object:
    page = devices.open(
        f"{base}/live/control/{code}?lang={lang}#key={secret}", {"width": 400, "height": 900}
    )
    page.wait_for_selector("#wl-joined")  # type: ignore[attr-defined]
    return page


def test_phones_vote_the_facilitator_reveals_and_follows_and_the_phones_follow(
    server: str, store: SqliteRoomStore, devices: Screens
) -> None:
    room, secret = store.create(scenario="cafe-singer", lang="id", digest="", kind="story")
    text = ui("id")
    phones = [devices.open(f"{server}/j/{room.code}") for _ in range(3)]
    for phone in phones:  # the room's language, with nothing asked
        assert phone.evaluate("document.documentElement.lang") == "id"
        phone.wait_for_selector(".wl-choice")
        assert phone.locator("input").count() == 0
    for phone, choice in zip(phones, ["family", "family", "advance"], strict=True):
        vote(phone, choice, text["live_vote_counted"])
    vote(phones[2], "questions", text["live_vote_counted"])  # a phone changes its mind: once

    control = open_control(devices, server, room.code, secret, "id")
    assert "key=" not in control.url  # the secret left the address bar ...
    kept = control.evaluate(f"sessionStorage.getItem('waspada:live-key:{room.code}')")
    assert kept == secret  # ... for this tab only
    control.wait_for_function(
        "t => document.getElementById('wl-joined').textContent === t",
        arg=text["live_joined"].format(count=3),
    )
    votes = control.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.wl-table tbody')]
            .map(row => [row.dataset.choice, row.querySelector('.wl-votes').textContent]))"""
    )
    assert votes == {"questions": "1", "family": "2", "advance": "0"}
    notes = api(server, room.code, "id", secret)["notes"]
    assert notes and control.locator(".wl-notes").count() == 1

    control.get_by_role("button", name=text["live_reveal"]).click()
    for phone in phones:
        assert bar_counts(phone) == {"questions": "1", "family": "2", "advance": "0"}
    mine = phones[2].locator(".wl-mine").get_attribute("data-choice")
    assert mine == "questions"
    assert control.locator("input[name=wl-follow]:checked").get_attribute("value") == "family"

    # Two hands counted on paper for "questions": added to its votes, everywhere.
    hands = control.locator('.wl-hands[data-choice="questions"]')
    hands.fill("2")
    hands.press("Tab")
    control.wait_for_selector('input[name=wl-follow][value="questions"]:checked')
    row = control.locator('.wl-table tbody[data-choice="questions"] .wl-sum')
    assert row.text_content() == "3"
    for phone in phones:
        phone.wait_for_function(
            "() => document.querySelector('.wl-total[data-choice=questions] .wl-count')"
            "?.textContent === '3'"
        )

    control.get_by_role("button", name=text["live_follow"]).click()
    control.wait_for_function("() => !document.querySelector('input[name=wl-follow]')")
    label = api(server, room.code, "id")["label"]
    assert label and label != "Keputusan 1"
    for phone in phones:
        phone.wait_for_function(
            "l => document.querySelector('.wl-heading')?.textContent === l", arg=label
        )
        phone.wait_for_selector(".wl-choice")
        assert phone.locator(".wl-choice[aria-pressed=true]").count() == 0
    followed = store.get(room.code)
    assert followed is not None and followed.route == ("questions",)
    assert dict(followed.history[0]) == {"questions": 3, "family": 2}

    # Back one step: the result of decision 1 again; reopened, each phone finds its own vote.
    control.get_by_role("button", name=text["live_back"]).click()
    for phone in phones:
        assert bar_counts(phone) == {"questions": "3", "family": "2", "advance": "0"}
    control.get_by_role("button", name=text["live_reopen"]).click()
    for phone, choice in zip(phones, ["family", "family", "questions"], strict=True):
        phone.wait_for_selector(f'.wl-choice[data-choice="{choice}"][aria-pressed=true]')


def test_a_reload_keeps_the_vote_and_a_second_vote_counts_once(
    server: str, store: SqliteRoomStore, devices: Screens
) -> None:
    room, secret = store.create(scenario="respected-recruiter", lang="en", digest="", kind="story")
    text = ui("en")
    phone = devices.open(f"{server}/j/{room.code}")
    vote(phone, "papers", text["live_vote_counted"])
    token = phone.evaluate("localStorage.getItem('waspada:live-device')")
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token)
    phone.reload()
    phone.wait_for_selector('.wl-choice[data-choice="papers"][aria-pressed=true]')
    assert phone.locator("#wl-counted").text_content() == text["live_vote_counted"]
    assert phone.evaluate("localStorage.getItem('waspada:live-device')") == token
    vote(phone, "papers", text["live_vote_counted"])  # tapped again after the reload
    assert api(server, room.code, "en", secret)["votes"] == {"papers": 1}


def test_the_join_page_in_javanese(server: str, store: SqliteRoomStore, devices: Screens) -> None:
    room, secret = store.create(scenario="cafe-singer", lang="id", digest="", kind="story")
    phone = devices.open(f"{server}/j/{room.code}?lang=jv")
    assert phone.evaluate("document.documentElement.lang") == "jv"
    javanese, english = ui("jv"), ui("en")
    assert javanese["live_title"] != english["live_title"]  # the strings are translated
    assert phone.locator("h1").text_content().startswith(javanese["live_title"])
    phone.wait_for_selector(".wl-choice")
    labels = phone.locator(".wl-choice").all_text_contents()
    expected = ["".join(t for _, t in c["label"]) for c in api(server, room.code, "jv")["choices"]]
    assert labels == expected
    assert labels != [
        "".join(t for _, t in c["label"]) for c in api(server, room.code, "en")["choices"]
    ]
    phone.wait_for_function(
        "t => document.getElementById('wl-status').textContent.endsWith(t)",
        arg=javanese["live_vote_now"],
    )
    current = phone.locator(".wl-langs a[aria-current]")
    assert current.get_attribute("href") == "?lang=jv"
    phone.locator('.wl-langs a[hreflang="su"]').click()  # the switch keeps the room
    phone.wait_for_selector(".wl-choice")
    assert phone.evaluate("document.documentElement.lang") == "su"
    # The control page in Javanese fits a small phone too (its long column names wrap).
    control = devices.open(f"{server}/live/control/{room.code}?lang=jv#key={secret}", SMALLEST)
    control.wait_for_selector(".wl-table")
    assert control.locator("h1").text_content().startswith(javanese["live_control_title"])
    assert control.evaluate("document.documentElement.scrollWidth") <= SMALLEST["width"]


def test_no_key_no_control(server: str, store: SqliteRoomStore, devices: Screens) -> None:
    room, secret = store.create(scenario="cafe-singer", lang="en", digest="", kind="story")
    text = ui("en")
    wrong = text["live_wrong_key"].format(code=room.code)
    bare = devices.open(f"{server}/live/control/{room.code}")
    assert bare.get_by_role("alert").text_content() == wrong
    guessed = devices.open(f"{server}/live/control/{room.code}#key=guessed-{secret[:8]}")
    assert guessed.get_by_role("alert").text_content() == wrong
    assert guessed.locator("button.wl-primary").count() == 0
    phone = devices.open(f"{server}/j/{room.code}")
    phone.wait_for_selector(".wl-choice")
    status = phone.evaluate(
        """code => new Promise(resolve => {
            const xhr = new XMLHttpRequest();
            xhr.open('POST', '/live/api/rooms/' + code + '/control');
            xhr.setRequestHeader('Content-Type', 'application/json');
            xhr.setRequestHeader('X-Waspada-Device', localStorage.getItem('waspada:live-device'));
            xhr.onload = () => resolve(xhr.status);
            xhr.send(JSON.stringify({action: 'follow', choice: 'family'}));
        })""",
        room.code,
    )
    assert status == 403
    assert store.get(room.code).route == ()


def test_a_session_to_its_ending_with_help_numbers(
    server: str, store: SqliteRoomStore, devices: Screens
) -> None:
    room, secret = store.create(scenario="online-pressure", lang="en", digest="", kind="story")
    text = ui("en")
    phone = devices.open(f"{server}/j/{room.code}")
    control = open_control(devices, server, room.code, secret, "en")
    for choice in ("tell-sister", "say-no", "tell-and-report"):
        vote(phone, choice, text["live_vote_counted"])
        control.get_by_role("button", name=text["live_reveal"]).click()
        control.wait_for_selector("input[name=wl-follow]:checked")
        control.get_by_role("button", name=text["live_follow"]).click()
        control.wait_for_function(
            "c => !document.querySelector(`input[name=wl-follow][value='${c}']`)", arg=choice
        )
    view = api(server, room.code, "en")
    assert view["phase"] == "ended"
    phone.wait_for_selector(".wl-ending")
    assert phone.locator(".wl-ending h2").text_content() == view["ending"]["title"]
    messages = phone.locator(".wl-messages li").all_text_contents()
    assert messages == ["".join(t for _, t in runs) for runs in view["ending"]["messages"]]
    hrefs = phone.locator(".wl-contact a").evaluate_all("a => a.map(x => x.href)")
    assert "tel:129" in hrefs
    names = phone.locator(".wl-service-name").all_text_contents()
    assert names == [service["name"] for service in view["ending"]["help"]]

    control.get_by_role("button", name=text["live_end"]).click()
    control.get_by_role("button", name=text["live_end_yes"]).click()
    phone.wait_for_selector(".wl-over")
    assert phone.locator(".wl-over").text_content() == text["live_closed"]
    assert phone.locator(".wl-ending h2").text_content() == view["ending"]["title"]


def test_the_join_page_passes_axe_at_320_px_and_quick_exit_leaves(
    server: str, store: SqliteRoomStore, devices: Screens
) -> None:
    room, secret = store.create(scenario="check-health", lang="en", digest="", kind="check")
    text = ui("en")
    phone = devices.open(f"{server}/j/{room.code}", SMALLEST)
    phone.wait_for_selector(".wl-choice")
    assert axe_violations(phone) == []
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 320  # nothing wider than the smallest phone
    vote(phone, "a", text["live_vote_counted"])
    urllib.request.urlopen(
        urllib.request.Request(
            f"{server}/live/api/rooms/{room.code}/control",
            data=json.dumps({"action": "reveal"}).encode(),
            headers={"Content-Type": "application/json", "X-Waspada-Secret": secret},
        ),
        timeout=10,
    )
    assert bar_counts(phone) == {"a": "1", "b": "0", "c": "0"}
    right = api(server, room.code, "en")["correct"]
    marked = phone.locator(".wl-correct").evaluate_all("e => e.map(x => x.dataset.choice)")
    assert marked == right and right
    assert axe_violations(phone) == []
    code_box = devices.open(f"{server}/j", SMALLEST)
    assert axe_violations(code_box) == []
    code_box.locator("#wl-code").fill(room.code)
    code_box.get_by_role("button", name=text["live_join"]).click()
    code_box.wait_for_url(re.compile(rf"/j/{room.code}\?lang=en$"))
    code_box.wait_for_selector(".wl-total")  # the same room, its result shown
    code_box.keyboard.press("Escape")
    code_box.keyboard.press("Escape")
    code_box.wait_for_url("about:blank")
    code_box.go_back()  # the room's page was replaced, not left behind in the history
    assert code_box.url == f"{server}/j"
    unknown = devices.open(f"{server}/j/0123")  # no code starts with 0
    assert unknown.get_by_role("alert").text_content() == text["live_unknown_room"].format(
        code="0123"
    )


def test_hostile_scenario_text_stays_text_on_the_phone_and_the_control_page(
    server: str, store: SqliteRoomStore, devices: Screens
) -> None:
    room, secret = store.create(scenario="hostile-text", lang="en", digest="", kind="story")
    text = ui("en")
    phone = devices.open(f"{server}/j/{room.code}")
    control = open_control(devices, server, room.code, secret, "en")
    phone.wait_for_selector(".wl-choice")
    assert phone.locator(".wl-choice").text_content() == "<b onclick=alert(1)>bold?</b>"
    assert control.locator(".wl-prompt p").text_content() == (
        "<iframe src=javascript:alert(1)></iframe>"
    )
    vote(phone, phone.locator(".wl-choice").get_attribute("data-choice"), text["live_vote_counted"])
    control.get_by_role("button", name=text["live_reveal"]).click()
    control.wait_for_selector("input[name=wl-follow]:checked")
    control.get_by_role("button", name=text["live_follow"]).click()
    phone.wait_for_selector(".wl-messages li")
    assert phone.locator(".wl-messages li").text_content() == "<style>body{display:none}</style>"
    for page in (phone, control):
        assert page.evaluate("window.__pwned") is None
        assert (
            page.locator("#wl-view b, #wl-view iframe, #wl-view style, #wl-view img").count() == 0
        )
    assert phone.locator(".wl-ending").is_visible()
    assert axe_violations(control) == []


def test_a_phone_that_lost_the_network_says_so_and_catches_up(
    server: str, store: SqliteRoomStore, devices: Screens
) -> None:
    room, secret = store.create(scenario="respected-recruiter", lang="en", digest="", kind="story")
    text = ui("en")
    phone = devices.open(f"{server}/j/{room.code}")
    vote(phone, "ask", text["live_vote_counted"])
    context = devices.contexts[-1]
    context.set_offline(True)  # type: ignore[attr-defined]
    phone.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # woken: asks again
    status = phone.locator("#wl-status")
    phone.wait_for_function(
        "t => document.getElementById('wl-status').textContent === t",
        arg=text["live_reconnecting"],
    )
    assert "wl-quiet" not in status.get_attribute("class")  # on screen, not only spoken
    urllib.request.urlopen(
        urllib.request.Request(
            f"{server}/live/api/rooms/{room.code}/control",
            data=json.dumps({"action": "reveal"}).encode(),
            headers={"Content-Type": "application/json", "X-Waspada-Secret": secret},
        ),
        timeout=10,
    )
    context.set_offline(False)  # type: ignore[attr-defined]
    assert bar_counts(phone) == {"papers": "0", "ask": "1"}
    assert status.text_content() == text["live_result"]  # connected again: said, not shown
    assert "wl-quiet" in status.get_attribute("class")
