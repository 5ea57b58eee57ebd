"""The projector of a live session in Chromium (issue 16), on `waspada serve --live`: the player
opened live shows how to join (QR code, address, room code), the phones joined and their votes
(separate browser contexts on the join page), and follows the room to an ending whose route
table holds the room's totals; a knowledge check shows the share right per question; a phone
cannot steer; the facilitator's notes never reach the projector; nothing leaves 127.0.0.1 and
no cookie is set."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Screens, axe_violations, offline_screens, serving_live

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
NOTES = "Let people speak before you explain."  # village-meeting's facilitator notes
# The number under each choice on the projector, by choice id (JavaScript).
COUNTS_JS = """Object.fromEntries([...document.querySelectorAll('.wsp-live-result')].map(r =>
    [r.dataset.wspLiveChoice, Number(r.querySelector('.wsp-live-count').textContent)]))"""
ROUTE_IS_JS = "n => document.querySelector('.wsp-root').dataset.wspRouteLength === n"


@pytest.fixture(scope="module")
def live_course(tiny_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny course (its rooms go to the copy's _run folder)."""
    root = tmp_path_factory.mktemp("projector") / "course"
    shutil.copytree(tiny_course, root, ignore=shutil.ignore_patterns("_build", "_run"))
    return root


@pytest.fixture(scope="module")
def server(live_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`waspada serve --live` on the course (closed projector pages keep their kernel until
    culled: room for several); yields its base URL."""
    log = tmp_path_factory.mktemp("projector-log") / "serve.log"
    with serving_live(live_course, log, max_kernels=8) as base:
        yield base


@pytest.fixture
def screens(browser: object) -> Iterator[Screens]:
    """The projector and the phones (one browser context each); a Voila page may take long."""
    yield from offline_screens(Screens(browser, {"width": 1280, "height": 900}, 30_000, 90_000))


def open_projector(screens: Screens, base: str, sid: str) -> object:
    page = screens.open(
        f"{base}/voila/render/player.ipynb?scenario={sid}&mode=facilitator&live=1&lang=en"
    )
    page.locator(".wsp-live-code").wait_for(timeout=90_000)
    page.wait_for_function(  # the first view of the room has arrived
        "() => document.querySelector('.wsp-live-joined')"
        " && document.querySelector('.wsp-choice, .wsp-ending')"
    )
    return page


def room_of(page: object, sid: str) -> tuple[str, str]:
    """The room code and secret the projector keeps for a reload."""
    kept = page.evaluate(f"localStorage.getItem('waspada:live-room:{sid}')")  # type: ignore[attr-defined]
    saved = json.loads(kept)
    return saved["code"], saved["secret"]


def wait_counts(page: object, expected: dict[str, int]) -> None:
    """Wait until the projector shows these numbers under its choices (and no others)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        f"want => JSON.stringify({COUNTS_JS}) === JSON.stringify(want)", arg=expected
    )


def choice_ids(page: object) -> list[str]:
    return page.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('.wsp-choice')].map(b => b.dataset.wspChoice)"
    )


def phone_vote(phone: object, choice: str) -> None:
    """Tap a choice on the join page and wait until it is marked as this phone's vote."""
    phone.locator(f'button[data-choice="{choice}"]').click()  # type: ignore[attr-defined]
    phone.wait_for_function(  # type: ignore[attr-defined]
        """c => { const p = document.querySelectorAll('button[data-choice][aria-pressed=true]');
            return p.length === 1 && p[0].dataset.choice === c; }""",
        arg=choice,
    )


def post(base: str, path: str, body: dict, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def route_length(page: object) -> str:
    return page.locator(".wsp-root").get_attribute("data-wsp-route-length")  # type: ignore[attr-defined]


def test_the_room_votes_a_story_to_its_ending_on_the_projector(
    server: str, screens: Screens
) -> None:
    projector = open_projector(screens, server, "village-meeting")
    code, secret = room_of(projector, "village-meeting")
    # How to join, readable from the back: the QR code, the address, the room code.
    address = projector.locator(".wsp-live-address")
    assert address.inner_text().endswith(f"/j/{code}")
    assert projector.locator(".wsp-live-code").inner_text() == code
    qr = projector.locator("svg.wsp-live-qr path")
    assert len(qr.get_attribute("d")) > 1000  # a drawn code, not an empty box
    size = projector.locator("svg.wsp-live-qr").bounding_box()
    assert size["width"] >= 180  # about 5 cm on a laptop screen, more on the wall
    code_size = projector.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.wsp-live-code')).fontSize)"
    )
    assert code_size >= 36
    # The control link (with the secret) is shown at the start, with its warning...
    control = projector.locator("a.wsp-live-control-url")
    assert control.get_attribute("href").endswith(f"/live/control/{code}#key={secret}")
    assert projector.locator(".wsp-live-warning").is_visible()
    # ... but the facilitator's notes never are: they are on the private control page.
    assert NOTES not in projector.locator("body").inner_text()
    assert projector.locator(".wsp-notes").count() == 0
    assert "Phones joined: 0" in projector.locator(".wsp-live-joined").inner_text()

    ask, sign = choice_ids(projector)
    phones = [screens.open(f"{server}/j/{code}", PHONE) for _ in range(3)]
    for phone in phones:
        phone.wait_for_selector("button[data-choice]")
    projector.wait_for_function(
        "() => document.querySelector('.wsp-live-joined').textContent === 'Phones joined: 3'"
    )
    for phone, choice in zip(phones, [ask, ask, sign], strict=True):
        phone_vote(phone, choice)
    phone_vote(phones[1], sign)  # a phone changes its mind: it counts once
    phone_vote(phones[1], ask)
    wait_counts(projector, {ask: 2, sign: 1})
    assert projector.locator(".wsp-live-control-link").count() == 0  # the room is watching

    # Hands counted on paper are added to the phones' votes.
    hands = projector.locator(f'.wsp-tally-input[data-wsp-tally="{sign}"]')
    hands.fill("3")
    hands.press("Tab")
    wait_counts(projector, {ask: 2, sign: 4})

    # A phone cannot steer: without the secret the control action is refused, nothing moves.
    device = {"X-Waspada-Device": "phone-token-0123456789abcdef"}
    status, answer = post(server, f"/live/api/rooms/{code}/control", {"action": "reveal"}, device)
    assert status == 403 and answer["error"]
    status, _ = post(
        server, f"/live/api/rooms/{code}/control", {"action": "follow", "choice": sign}, device
    )
    assert status == 403
    projector.wait_for_timeout(1500)
    assert route_length(projector) == "0"
    assert projector.locator(".wsp-live-reveal").is_visible()  # still voting
    wait_counts(projector, {ask: 2, sign: 4})

    # The facilitator reveals; "Follow" offers the most voted choice; the story follows it.
    projector.locator(".wsp-live-reveal").click()
    follow = projector.locator(".wsp-live-follow")
    follow.wait_for()
    assert follow.get_attribute("data-wsp-choice") == sign
    assert "Sign at once" in follow.inner_text()
    follow.click()
    projector.wait_for_function("() => document.querySelector('.wsp-root').dataset.wspEnding")
    assert projector.locator(".wsp-root").get_attribute("data-wsp-ending") == "harmed"
    # The route table at the ending holds the room's totals (votes and hands).
    table = projector.locator(".wsp-route .wsp-tally-table")
    rows = table.locator("tr").all_inner_texts()
    assert rows[0].split("\t") == ["Choice", "Votes and hands"]
    assert rows[1].split("\t") == ["Ask questions", "2"]
    assert rows[2].split("\t") == ["Sign at once", "4"]
    title = projector.locator(".wsp-ending-title").inner_text()
    for phone in phones:  # the phones follow the room to its ending
        phone.wait_for_function(
            "t => !document.querySelector('button[data-choice]')"
            " && document.body.innerText.includes(t)",
            arg=title,
        )
    assert NOTES not in projector.locator("body").inner_text()
    assert axe_violations(projector, ".wsp-root") == []


def test_the_projector_follows_the_control_page_and_a_reload_resumes_the_room(
    server: str, screens: Screens
) -> None:
    """The control page follows a choice: the projector moves there. A reloaded projector shows
    the same room (code, route, votes) rather than a new one; End closes it for everyone."""
    projector = open_projector(screens, server, "market-lift")
    code, secret = room_of(projector, "market-lift")
    first = choice_ids(projector)
    phone = screens.open(f"{server}/j/{code}", PHONE)
    phone.wait_for_selector("button[data-choice]")
    phone_vote(phone, first[-1])
    wait_counts(projector, {cid: int(cid == first[-1]) for cid in first})
    steer = {"X-Waspada-Secret": secret}
    status, _ = post(
        server, f"/live/api/rooms/{code}/control", {"action": "follow", "choice": first[0]}, steer
    )
    assert status == 200
    projector.wait_for_function(ROUTE_IS_JS, arg="1")
    node = projector.locator(".wsp-root").get_attribute("data-wsp-node")

    projector.reload()
    projector.locator(".wsp-live-code").wait_for(timeout=90_000)
    assert projector.locator(".wsp-live-code").inner_text() == code
    projector.wait_for_function(ROUTE_IS_JS, arg="1")
    assert projector.locator(".wsp-root").get_attribute("data-wsp-node") == node
    assert room_of(projector, "market-lift") == (code, secret)
    # Back (on the projector) returns to the first decision with its votes kept.
    projector.locator(".wsp-back").click()
    projector.wait_for_function(ROUTE_IS_JS, arg="0")
    wait_counts(projector, {cid: int(cid == first[-1]) for cid in first})
    # End, confirmed: the session is over on the projector, and the phone is told.
    projector.locator(".wsp-live-end").click()
    projector.locator(".wsp-live-end-yes").click()
    projector.wait_for_function(
        "t => document.querySelector('.wsp-live-status').textContent.includes(t)",
        arg="The session is over",
    )
    assert projector.locator(".wsp-live-join").count() == 0
    assert projector.evaluate("localStorage.getItem('waspada:live-room:market-lift')") is None
    # The room stays in this browser's list of rooms started (once, after the reload too), so
    # that the session page can still pair a before/after check with it.
    started = json.loads(projector.evaluate("localStorage.getItem('waspada:live-rooms')"))
    assert [(r["room"], r["key"], r["scenario"]) for r in started] == [
        (code, secret, "market-lift")
    ]
    status, _ = post(server, f"/live/api/rooms/{code}/vote", {"step": 0, "choice": first[0]},
                     {"X-Waspada-Device": "phone-token-0123456789abcdef"})  # fmt: skip
    assert status == 409


def test_a_knowledge_check_shows_the_share_right_per_question(
    server: str, screens: Screens
) -> None:
    """After each reveal the projector shows how many answers were right; at the end a table of
    the share right per question. Nobody's own answer is ever shown."""
    projector = open_projector(screens, server, "quiz-signs")
    code, _secret = room_of(projector, "quiz-signs")
    # The facilitator has opened the control page: Hide takes its link off the projector.
    projector.locator(".wsp-live-hide").click()
    assert projector.locator(".wsp-live-control-link").count() == 0
    assert projector.locator(".wsp-live-join").is_visible()
    phones = [screens.open(f"{server}/j/{code}", PHONE) for _ in range(3)]
    expected = []
    for question in range(3):
        choices = choice_ids(projector)
        for phone in phones:
            phone.wait_for_selector("button[data-choice]")
        picks = [choices[0], choices[0], choices[1]] if question != 1 else [choices[1]] * 3
        for phone, choice in zip(phones, picks, strict=True):
            phone_vote(phone, choice)
        wait_counts(projector, {c: picks.count(c) for c in choices})
        projector.locator(".wsp-live-reveal").click()
        share = projector.locator(".wsp-live-share")
        share.wait_for()
        # quiz-signs: the right answers are the 1st, the 2nd and the 1st.
        right = 2 if question != 1 else 3
        percent = round(100 * right / 3)
        assert share.inner_text() == f"Right: {right} of 3 ({percent}%)"
        assert projector.locator(".wsp-live-correct").count() == 1
        expected.append(f"Right: {right} of 3 ({percent}%)")
        before = route_length(projector)
        projector.locator(".wsp-live-follow").click()
        projector.wait_for_function(
            "n => document.querySelector('.wsp-root').dataset.wspRouteLength !== n", arg=before
        )
    shares = projector.locator(".wsp-live-shares tr").all_inner_texts()
    assert [row.split("\t")[1] for row in shares[1:]] == expected
    assert [row.split("\t")[0] for row in shares[1:]] == [
        "Question 1 of 3",
        "Question 2 of 3",
        "Question 3 of 3",
    ]
    assert projector.locator(".wsp-root").get_attribute("data-wsp-ending") == "check"
