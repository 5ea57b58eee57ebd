"""How long `waspada check` takes on a large course: 100 scenarios of 50 nodes each.

Run: python benchmarks/check_scenarios.py [--scenarios 100] [--nodes 50] [--repeat 5]
Prints the best and median wall time of loading + validating every file (the work of `waspada
check`), and the same through the command line (which adds Python start-up).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from waspada.scenario import load_collection

ROOT = Path(__file__).resolve().parents[1]


def scenario_text(number: int, nodes: int, rng: random.Random) -> str:
    """A valid scenario: a chain of decisions with side branches, loops back and one variable."""
    lines = [
        f"id: bench-{number}",
        f"title: Benchmark scenario {number}",
        "summary: A generated scenario for timing the checker.",
        "audiences: [village, health]",
        "modi: [deception, debt-bondage]",
        "characters: [woman]",
        "start: n0",
        "variables:",
        "  risk: {initial: 0, min: 0, max: 3, description: How exposed the character is}",
        "nodes:",
    ]
    endings = nodes // 5
    for i in range(nodes - endings):
        lines += [
            f"  n{i}:",
            f"    text: Step {i} of the story. Someone makes an offer that sounds *very* good.",
            "    prompt: What should she ask?",
            "    choices:",
            f"      - label: Ask questions at step {i}",
            f"        target: {'n' + str(i + 1) if i + 1 < nodes - endings else 'e0'}",
            "        feedback: Asking questions is always allowed.",
            "        effects: {risk: -1}",
            f"      - label: Accept at step {i}",
            f"        id: accept-{i}",
            f"        target: e{i % endings}",
            "        feedback: Accepting at once leaves no time to check.",
            "        effects: {risk: +1}",
            "        condition: risk < 3",
        ]
        if i > 2:
            lines += [
                f"      - label: Think again at step {i}",
                f"        id: back-{i}",
                f"        target: n{rng.randrange(i)}",
                "        feedback: Going back is fine.",
            ]
    for e in range(endings):
        lines += [
            f"  e{e}:",
            f"    text: Ending {e}.",
            "    ending:",
            f"      kind: {['safe', 'mixed', 'harmed'][e % 3]}",
            "      debrief: What happened and why.",
            "      messages: [A real job offer survives questions.]",
            "      help: [sapa-129, police-110]",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100)
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "scenarios").mkdir()
        shutil.copy(ROOT / "help.yml", root / "help.yml")
        (root / "_config.yml").write_text("title: bench\n")
        files = []
        for number in range(args.scenarios):
            path = root / "scenarios" / f"bench-{number}.yml"
            path.write_text(scenario_text(number, args.nodes, rng), encoding="utf-8")
            files.append(path)
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            collection = load_collection(files, root / "help.yml")
            times.append(time.perf_counter() - began)
        if collection.errors:
            sys.exit(
                "the generated scenarios have errors:\n"
                + "\n".join(map(str, collection.errors[:5]))
            )
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "waspada", "--project", str(root), "check"],
            check=True,
            capture_output=True,
        )
        cli = time.perf_counter() - began
    print(
        f"load + validate {args.scenarios} scenarios x {args.nodes} nodes: "
        f"best {min(times):.3f} s, median {statistics.median(times):.3f} s "
        f"({args.repeat} runs)"
    )
    print(f"`waspada check` on the same files, Python start-up included: {cli:.3f} s")


if __name__ == "__main__":
    main()
