"""The translation defects of issue 15 stay fixed in id, jv and su.

Each rule is a small function over the catalogs' messages that returns what it finds; the tests
run every rule over the real catalogs (nothing may be found) and over seeded messages that
carry the defects a review found (each must be found, and the correct uses next to them must
not be).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from waspada.i18n.catalogs import load_languages
from waspada.i18n.consistency import JV_ALREADY
from waspada.i18n.languages import ADDRESSEES

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
LANGS = ("id", "jv", "su")
SCHOOL_SCENARIOS = (
    "online-pressure",
    "online-sweetheart",
    "modelling-offer",
    "gifts-and-school",
    "the-kind-driver",
)
# Quoted speech, and a phrase set in italics, may use another register (dialogue).
QUOTED = re.compile(r'"[^"]*"|“[^”]*”|\*[^*\n]+\*')


@dataclass(frozen=True)
class Msg:
    lang: str
    domain: str
    context: str | None
    english: str
    text: str
    files: tuple[str, ...] = ()
    obsolete: bool = False

    def __str__(self) -> str:
        where = f"{self.lang}/{self.domain}" + (f" [{self.context}]" if self.context else "")
        return f"{where}: {self.english[:70]!r} -> {self.text[:90]!r}"


def _read(lang: str) -> list[Msg]:
    out = []
    for path in sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        live = [(m, False) for m in catalog if m.id]
        dead = [(m, True) for m in catalog.obsolete.values()]
        for m, obsolete in live + dead:
            if isinstance(m.id, str) and isinstance(m.string, str) and m.string:
                files = tuple(f for f, _ in m.locations)
                out.append(Msg(lang, path.stem, m.context, m.id, m.string, files, obsolete))
    return out


@pytest.fixture(scope="module")
def messages() -> list[Msg]:
    return [m for lang in LANGS for m in _read(lang)]


def _outside_quotes(text: str) -> str:
    return QUOTED.sub(" ", text)


def _is_school(m: Msg) -> bool:
    return (
        m.domain == "online-safety"
        or any("school-lessons" in f for f in m.files)
        or (m.domain == "scenarios" and (m.context or "").split(":")[0] in SCHOOL_SCENARIOS)
    )


# -- the rules ----------------------------------------------------------------------------------


def jv_prohibitions_without_ngantos(ms: Iterable[Msg]) -> list[Msg]:
    """'Sampun wonten ingkang kesah' reads 'someone has already left'; 'sampun ngentosi' reads
    'already waited'. A prohibition is 'sampun ngantos ...'."""
    return [m for m in ms if m.lang == "jv" and JV_ALREADY.search(m.text)]


def id_pendamping_for_a_patients_companion(ms: Iterable[Msg]) -> list[Msg]:
    """'pendamping' is a victim's official support worker (glossary), never the person who
    brings a patient and speaks for them."""
    companion = re.compile(r"(?i)\b(?:companion|minder)s?\b")
    patient = re.compile(r"(?i)\bpatient|\bas (?:the |an )?interpreter|\btranslates? for")
    word = re.compile(r"(?i)\bpendamping\b")
    return [
        m
        for m in ms
        if m.lang == "id"
        and word.search(m.text)
        and companion.search(m.english)
        and patient.search(m.english)
    ]


def kurungan_glossed_as_detention(ms: Iterable[Msg]) -> list[Msg]:
    """kurungan is a penalty of confinement; penahanan (tahanan, ditahan) is pre-trial
    detention. Obsolete entries count: translators read them too."""
    about = re.compile(r"(?i)kurungan|custodial penalty|light detention")
    detention = re.compile(r"(?i)\b(?:penahanan|tahanan|ditahan|dipuntahan|panahanan)\b")
    return [m for m in ms if about.search(m.english) and detention.search(m.text)]


def when_not_to_wait_as_need_not(ms: Iterable[Msg]) -> list[Msg]:
    """'When not to wait' means one must not wait, not that one need not."""
    must_not = {"id": "tidak boleh menunggu", "jv": "mboten kenging ngentosi", "su": "teu kenging"}
    return [
        m
        for m in ms
        if m.english.startswith("**When not to wait:**")
        and must_not[m.lang] not in m.text.split(":**")[0]
    ]


def help_links_not_named_as_the_chapter(ms: Iterable[Msg]) -> list[Msg]:
    """Every link to the help chapter carries the chapter's own title."""
    ms = list(ms)
    titles = {m.lang: m.text for m in ms if m.domain == "help" and m.english == "Getting help"}
    link = re.compile(r"\[([^\]]+)\]\((?:\.\./)*help\.md\)")
    return [
        m
        for m in ms
        if not m.obsolete and any(text != titles.get(m.lang) for text in link.findall(m.text))
    ]


def scenario_titles_named_two_ways(ms: Iterable[Msg]) -> list[Msg]:
    """A scenario is named on the practice page (and anywhere its title is a message of its
    own) exactly as in the gallery and the player."""
    ms = list(ms)
    titles = {}
    for path in (ROOT / "scenarios").glob("*.yml"):
        titles[yaml.safe_load(path.read_text(encoding="utf-8"))["title"]] = path.stem
    own = {
        (m.lang, m.english): m.text
        for m in ms
        if m.domain == "scenarios" and titles.get(m.english) == m.context
    }
    return [
        m
        for m in ms
        if m.english in titles
        and not (m.domain == "scenarios" and m.context == titles[m.english])
        and not m.obsolete
        and m.text != own.get((m.lang, m.english))
    ]


def method_labels_not_their_headings(ms: Iterable[Msg]) -> list[Msg]:
    """A method's label in the gallery is the heading of its section in 'How people are
    recruited' (the English of each pair is the same text)."""
    ms = list(ms)
    headings = {(m.lang, m.english): m.text for m in ms if m.domain == "recruitment"}
    return [
        m
        for m in ms
        if m.domain == "ui"
        and m.context == "modus"
        and (m.lang, m.english) in headings
        and m.text != headings[(m.lang, m.english)]
    ]


FORBIDDEN = {  # one name per thing: (language, forbidden variant, the name to use)
    ("jv", r"(?<!pen)\bjeratan h?utang\b", "penjeratan utang"),
    ("su", r"(?<!pen)\bjeratan h?utang\b", "penjeratan utang"),
    ("id", r"\bmarkas penipuan\b", "kompleks penipuan"),
    ("jv", r"\bpapan penipuan\b", "kompleks penipuan"),
    ("su", r"\bkomplek\b|\bkompléks\b", "kompleks"),
    ("id", r"\brumah sakit polisi\b", "rumah sakit kepolisian"),
    ("jv", r"\bgriya sakit kepolisian\b", "griya sakit polisi"),
    ("su", r"\brumah sakit kapulisian\b", "rumah sakit pulisi"),
}


def forbidden_variants(ms: Iterable[Msg]) -> list[Msg]:
    return [
        m
        for m in ms
        if not m.obsolete
        for lang, variant, _ in FORBIDDEN
        if m.lang == lang and re.search(variant, m.text, re.IGNORECASE)
    ]


LOMA_NOUNS = {
    # language: nouns of the other register, allowed only inside quoted speech
    "jv": r"\bkanca\w*",
    "su": r"\b(?:jalma|budak|barudak|lalaki|awéwé|babaturan|kolot)\b",
}


def register_mixed_in_nouns(ms: Iterable[Msg]) -> list[Msg]:
    """jv krama and su lemes text name people with the nouns of their own register."""
    return [
        m
        for m in ms
        if m.lang in LOMA_NOUNS
        and not m.obsolete
        and re.search(LOMA_NOUNS[m.lang], _outside_quotes(m.text), re.IGNORECASE)
    ]


PUPIL_ADDRESS = {  # the familiar "you" the pupil register of languages.yml rules out
    "id": r"\bkamu\b|\b(?:dirimu|keluargamu|tuamu|memintamu|mengancammu|menyukaimu)\b",
    "jv": r"\b(?:kowe|kowé|awakmu|kokcritakake|salahmu|kancamu|tuwamu)\b",
}


def pupils_addressed_in_two_registers(ms: Iterable[Msg]) -> list[Msg]:
    """School material addresses pupils in one register: polite, as adults are."""
    return [
        m
        for m in ms
        if m.lang in PUPIL_ADDRESS
        and _is_school(m)
        and re.search(PUPIL_ADDRESS[m.lang], _outside_quotes(m.text), re.IGNORECASE)
    ]


def teacher_lines_to_pupils_in_ngoko(ms: Iterable[Msg]) -> list[Msg]:
    """The lines a teacher says to the class (quoted in the school-lessons guide) are in the
    pupil register too: no ngoko 'you', 'I' or 'this'."""
    ngoko = re.compile(r"(?i)\b(?:kowe|aku|iki|salahmu|ora)\b")
    return [
        m
        for m in ms
        if m.lang == "jv" and any("school-lessons" in f for f in m.files) and ngoko.search(m.text)
    ]


RULES: list[Callable[[Iterable[Msg]], list[Msg]]] = [
    jv_prohibitions_without_ngantos,
    id_pendamping_for_a_patients_companion,
    kurungan_glossed_as_detention,
    when_not_to_wait_as_need_not,
    help_links_not_named_as_the_chapter,
    scenario_titles_named_two_ways,
    method_labels_not_their_headings,
    forbidden_variants,
    register_mixed_in_nouns,
    pupils_addressed_in_two_registers,
    teacher_lines_to_pupils_in_ngoko,
]


# -- the catalogs follow every rule ---------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_the_catalogs_are_free_of_the_reviewed_defects(rule, messages) -> None:
    found = rule(messages)
    assert not found, f"{rule.__doc__}\n" + "\n".join(map(str, found))


def test_the_rules_look_at_the_messages_they_are_about(messages) -> None:
    """Guard against a rule that passes because it sees nothing: the messages each rule
    is about exist in every language."""
    for lang in LANGS:
        mine = [m for m in messages if m.lang == lang]
        assert any(m.english.startswith("**When not to wait:**") for m in mine)
        assert any(m.domain == "help" and m.english == "Getting help" for m in mine)
        assert sum("help.md)" in m.text for m in mine) >= 15
        assert sum(m.domain == "ui" and m.context == "modus" for m in mine) == 14
        assert sum(_is_school(m) for m in mine) > 300
    assert sum(m.lang == "id" and "pendamping" in m.text.lower() for m in messages) > 10
    assert any("kurungan" in m.english for m in messages)


def test_each_language_states_a_register_per_addressee() -> None:
    languages = load_languages(LOCALES)
    for code in ("id", "jv", "su", "sas"):
        register = languages[code].register
        assert sorted(register) == sorted(ADDRESSEES), code
        assert len(set(register.values())) == len(ADDRESSEES), f"{code}: one text for all"
    assert "only the interface" not in " ".join(languages["sas"].register.values())


# -- each rule finds the defects the review found, and only them ----------------------------------


def _m(lang: str, english: str, text: str, domain: str = "guides", **kw: object) -> Msg:
    return Msg(lang, domain, kw.pop("context", None), english, text, **kw)  # type: ignore[arg-type]


SCHOOL = ("../../book/guides/school-lessons.md",)
SEEDED: dict[str, tuple[list[Msg], list[Msg]]] = {
    # rule: (messages it must find, correct messages next to them it must not find)
    "jv_prohibitions_without_ngantos": (
        [
            _m(
                "jv",
                "No one should leave in a hurry.",
                "Sampun wonten ingkang kesah kanthi kesesa.",
            ),
            _m("jv", "Do not wait.", "Sampun ngentosi."),
        ],
        [
            _m("jv", "No one should leave.", "Sampun ngantos wonten tiyang ingkang kesah."),
            _m("jv", "Do not wait.", "Sampun ngantos ngentosi."),
            _m("jv", "She has already left.", "Piyambakipun sampun kesah."),
        ],
    ),
    "id_pendamping_for_a_patients_companion": (
        [
            _m(
                "id",
                "A companion who answers and translates for the patient is a warning sign.",
                "Pendamping yang menjawab dan menerjemahkan untuk pasien adalah tanda bahaya.",
            ),
            _m(
                "id",
                "Never use the companion as interpreter.",
                "Jangan pernah menjadikan pendamping sebagai juru bahasa.",
            ),
        ],
        [
            _m("id", "ask for a companion, an interpreter", "meminta pendamping, juru bahasa"),
            _m(
                "id",
                "The victim may bring a companion: a family member or a volunteer.",
                "Korban boleh membawa pendamping: anggota keluarga atau relawan.",
            ),
            _m(
                "id",
                "Never use the companion as interpreter.",
                "Jangan pernah menjadikan orang yang mendampingi pasien sebagai juru bahasa.",
            ),
        ],
    ),
    "kurungan_glossed_as_detention": (
        [
            _m(
                "id",
                "A short custodial penalty. It can replace unpaid restitution.",
                "Hukuman berupa penahanan dalam waktu singkat.",
                domain="glossary",
                obsolete=True,
            ),
            _m("su", "replaced by confinement (*kurungan*)", "diganti ku hukuman ditahan"),
        ],
        [
            _m("id", "replaced by confinement (*kurungan*)", "diganti dengan pidana *kurungan*"),
            _m("id", "Wages held back", "Upah ditahan"),
        ],
    ),
    "when_not_to_wait_as_need_not": (
        [
            _m("id", "**When not to wait:** if", "**Kapan tidak perlu menunggu:** jika"),
            _m("jv", "**When not to wait:** if", "**Kapan mboten perlu ngentosi:** menawi"),
            _m("su", "**When not to wait:** if", "**Iraha henteu kedah ngantosan:** upami"),
        ],
        [_m("su", "**When not to wait:** if", "**Iraha teu kenging ngantosan:** upami")],
    ),
    "help_links_not_named_as_the_chapter": (
        [_m("id", "See [Getting help](help.md).", "Lihat [Mendapatkan bantuan](help.md).")],
        [
            _m("id", "Getting help", "Mencari bantuan", domain="help"),
            _m("id", "See [Getting help](../help.md).", "Lihat [Mencari bantuan](../help.md)."),
        ],
    ),
    "scenario_titles_named_two_ways": (
        [_m("id", "The modelling offer", "Tawaran jadi model", domain="practice")],
        [
            _m(
                "id",
                "The modelling offer",
                "Tawaran menjadi model",
                "scenarios",
                context="modelling-offer",
            ),
            _m("jv", "The modelling offer", "Tawaran dados model", domain="practice"),
            _m(
                "jv",
                "The modelling offer",
                "Tawaran dados model",
                "scenarios",
                context="modelling-offer",
            ),
        ],
    ),
    "method_labels_not_their_headings": (
        [_m("jv", "Abuse of authority", "Nyalahgunakaken panguwaos", "ui", context="modus")],
        [
            _m("jv", "Abuse of authority", "Penyalahgunaan kekuasaan", domain="recruitment"),
            _m("su", "Abuse of authority", "Panyalahgunaan kakawasaan", "ui", context="modus"),
            _m("su", "Abuse of authority", "Panyalahgunaan kakawasaan", domain="recruitment"),
        ],
    ),
    "forbidden_variants": (
        [
            _m("jv", "Debt bondage", "Jeratan utang"),
            _m("su", "debt bondage", "jeratan hutang"),
            _m("id", "scam compounds", "markas penipuan daring"),
            _m("su", "a compound", "hiji komplek"),
            _m("id", "police hospitals", "rumah sakit polisi"),
            _m("jv", "police hospitals", "griya sakit kepolisian"),
        ],
        [
            _m("jv", "debt bondage", "penjeratan utang (*kajiret utang*)"),
            _m("id", "scam compounds", "kompleks penipuan daring"),
            _m("su", "a compound", "hiji kompleks"),
        ],
    ),
    "register_mixed_in_nouns": (
        [
            _m("jv", "a friend", "Menawi wonten kanca ingkang cariyos dhateng panjenengan"),
            _m("su", "women and children", "awéwé sareng budak"),
            _m("su", "people", "jalma-jalma anu dipaksa"),
        ],
        [
            _m("jv", "secrets", 'wewados: "Aja crita marang kanca-kancamu bab aku"'),
            _m("su", "women and children", "istri sareng murangkalih"),
            _m("su", "helping others", "ngabantos batur kalayan aman"),
        ],
    ),
    "pupils_addressed_in_two_registers": (
        [
            _m(
                "id",
                "Tell an adult you trust.",
                "Ceritakan kepada orang dewasa yang kamu percayai.",
                "online-safety",
            ),
            _m("jv", "Who could you show it to?", "Marang sapa kowe bisa nuduhake?", files=SCHOOL),
        ],
        [
            _m(
                "id",
                "Tell an adult you trust.",
                "Ceritakan kepada orang dewasa yang Anda percayai.",
                "online-safety",
            ),
            _m(
                "id",
                "Make a poster",
                "poster: *Ceritakan kepada orang dewasa yang kamu percayai!*",
                "online-safety",
            ),
            _m("id", "Ask a friend", "Tanyakan kepada teman kamu.", "health-workers"),
            _m("jv", "chat", 'pesen: "Aja crita marang wong tuwamu"', "online-safety"),
        ],
    ),
    "teacher_lines_to_pupils_in_ngoko": (
        [
            _m(
                "jv",
                'Say "Thank you for telling me"',
                'Sanjang "Matur nuwun wis crita marang aku"',
                files=SCHOOL,
            ),
            _m(
                "jv", "Nobody has to share anything.", "Ora ana sing kudu nyritakake.", files=SCHOOL
            ),
        ],
        [
            _m(
                "jv",
                'Say "Thank you for telling me"',
                'Sanjang "Matur nuwun sampun cariyos dhateng kula"',
                files=SCHOOL,
            ),
            _m(
                "jv",
                'Welcome them: "The money is good"',
                'Tampi: "Bayarane apik"',
                files=("../../book/guides/village-session.md",),
            ),
        ],
    ),
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_each_rule_finds_the_reviewed_defects_and_spares_correct_uses(rule) -> None:
    bad, good = SEEDED[rule.__name__]
    assert rule(bad + good) == bad
