"""Knowledge checks: a short question format loaded into the scenario engine, scored and
compiled with a verdict on every answer and a result on the ending."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import HELP_IDS
from waspada.i18n.extract import extract_scenario
from waspada.scenario import compile_scenario, load_scenario_text, play_route

ROOT = Path(__file__).parents[1]
QUIZ = (ROOT / "tests" / "vectors" / "quiz-signs.yml").read_text(encoding="utf-8")


def load(text: str):
    return load_scenario_text(text, "scenarios/quiz.yml", help_ids=HELP_IDS)


def errors(text: str) -> list[str]:
    _, problems = load(text)
    return [str(p) for p in problems if p.is_error]


def test_questions_become_nodes_and_correct_answers_score():
    """Each question is a node in order, options are choices a, b, c, and right answers add 1."""
    quiz, problems = load(QUIZ)
    assert problems == []
    assert quiz.is_check and quiz.pass_mark == 2 and quiz.question_count == 3
    assert list(quiz.nodes) == ["q1", "q2", "q3", "result"]
    assert [c.id for c in quiz.nodes["q2"].choices] == ["a", "b", "c"]
    assert [c.correct for c in quiz.nodes["q2"].choices] == [False, True, False]
    assert play_route(quiz, [1, 2, 1]).values == {"score": 3}
    assert play_route(quiz, [2, 1, 2]).values == {"score": 0}


def test_compiled_check_says_correct_or_not_and_gives_the_result():
    """The payload marks each answer right or wrong and tells, at the end, the score and
    whether it passes (pass mark 2 of 3)."""
    quiz, _ = load(QUIZ)
    ui = {
        "correct": "Correct.",
        "not_correct": "Not the best answer.",
        "score_line": "You answered {score} of {total} questions correctly.",
        "check_passed": "Passed",
        "check_review": "Not passed yet",
        "question_label": "Question {number} of {total}",
    }
    payload = compile_scenario(quiz, services={}, ui=ui)
    q1 = payload["nodes"]["q1"]["choices"]
    assert q1["a"]["verdict"] == "Correct." and q1["a"]["correct"] is True
    assert q1["b"]["verdict"] == "Not the best answer." and q1["b"]["correct"] is False
    assert payload["states"][0]["label"] == "Question 1 of 3"
    results = {s["values"]["score"]: s["result"] for s in payload["states"] if "result" in s}
    assert results[3]["passed"] and results[3]["label"] == "Passed"
    assert results[2]["passed"]
    assert not results[1]["passed"] and results[1]["label"] == "Not passed yet"
    assert results[1]["text"] == "You answered 1 of 3 questions correctly."
    assert payload["kind"] == "check" and payload["module"] == "health-workers"


def test_a_question_without_a_correct_option_is_an_error():
    label = "      - label: Respect her choice and tell her privately where help is"
    text = QUIZ.replace(f"{label}\n        correct: true", label)
    assert errors(text) == [
        "scenarios/quiz.yml:32:7: error: none of the options of question 3 ('q3') is marked "
        "'correct: true'; mark the right one"
    ]


def test_a_pass_mark_above_the_number_of_questions_is_an_error():
    assert errors(QUIZ.replace("pass: 2", "pass: 4")) == [
        "scenarios/quiz.yml:9:7: error: the pass mark 4 must be between 1 and the number of "
        "questions (3)"
    ]


def test_repeated_question_id_and_unknown_key_are_located():
    text = QUIZ.replace("  - id: q2\n", "  - id: q1\n").replace("pass: 2", "pass: 2\nlevel: 3")
    problems = errors(text)
    assert any(":10:1: error: unknown key 'level' in the knowledge check" in p for p in problems)
    assert any("error: question 2 repeats the id 'q1'" in p for p in problems)


def test_option_needs_feedback_and_correct_must_be_true_or_false():
    text = QUIZ.replace(
        "        feedback: This may warn the companion and put the patient in danger.\n", ""
    ).replace(
        "correct: true\n        feedback: A routine", "correct: yes\n        feedback: A routine"
    )
    problems = errors(text)
    assert any("option 2 of question 1 ('q1') has no 'feedback'" in p for p in problems)
    assert any(
        "'correct' of option 1 of question 1 ('q1') must be true or false" in p for p in problems
    )


def test_unknown_kind_suggests_check():
    problems = errors(QUIZ.replace("kind: check", "kind: chek"))
    assert problems == [
        "scenarios/quiz.yml:4:7: error: unknown kind 'chek' (did you mean 'check'?); use "
        "'story' (the default) or 'check' (a knowledge check, see scenarios/README.md)"
    ]


def test_extractor_gives_every_question_option_and_result_its_context():
    """Translators get the question, each answer and its feedback, and the result texts, with
    contexts that match what the compiler looks up."""
    found = {
        (ctx, text): comments
        for _, _, (ctx, text), comments in extract_scenario(io.BytesIO(QUIZ.encode()), (), (), {})
    }
    assert (
        "quiz-signs:q2",
        "Who should interpret for a patient who speaks another language?",
    ) in found
    assert ("quiz-signs:q2:b", "A trained interpreter with no link to the companion") in found
    assert ("quiz-signs:result", "Check complete") in found
    assert ("quiz-signs:result", "Use a trained interpreter.") in found
    quiz, _ = load(QUIZ)
    looked_up: list[tuple[str, str]] = []
    compile_scenario(quiz, services={}, translate=lambda c, m: looked_up.append((c, m)) or m)
    assert set(looked_up) <= set(found)
