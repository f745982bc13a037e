#!/usr/bin/env python3
"""Cyclomatic complexity of the app code (radon): no function above ``THRESHOLD``.

App code = the project's packages; migrations and tests are left out. Prints every function above issue 12's
goal (``GOAL``) and fails when one is above ``THRESHOLD``. Step B lowers ``THRESHOLD`` to ``GOAL`` as it splits
the functions above it; after that the two are the same number.

Usage: ``python tools/complexity.py`` (run by ``make lint``).
"""

import sys
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

THRESHOLD = 25  # the ceiling after step B (largest was parse_policy at 63 before the split)
GOAL = 25
ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("association", "beneficiaries", "channels_log", "requests_app", "surveys", "programs", "selfservice")


def _functions(blocks, prefix=""):
    for block in blocks:
        if isinstance(block, Class):
            yield from _functions(block.methods, f"{prefix}{block.name}.")
            yield from _functions(block.inner_classes, f"{prefix}{block.name}.")
        elif isinstance(block, Function):
            yield f"{prefix}{block.name}", block
            yield from _functions(block.closures, f"{prefix}{block.name}.")


def measure() -> list[tuple[int, str]]:
    """``(complexity, "path:line name")`` of every function and method in the app code."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            for name, block in _functions(cc_visit(path.read_text())):
                found.append((block.complexity, f"{relative}:{block.lineno} {name}"))
    return sorted(found, reverse=True)


def main() -> int:
    found = measure()
    above_goal = [(c, where) for c, where in found if c > GOAL]
    for complexity, where in above_goal:
        mark = "FAIL" if complexity > THRESHOLD else "todo"
        print(f"{mark} {complexity:3d} {where}")
    largest = found[0][0] if found else 0
    print(
        f"complexity: {len(found)} functions, largest {largest}, {len(above_goal)} above {GOAL}; threshold {THRESHOLD}"
    )
    return 1 if largest > THRESHOLD else 0


if __name__ == "__main__":
    sys.exit(main())
