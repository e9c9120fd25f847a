"""The domain rules in briefs/rules/ stay pure: no Flask, no database, no clock.

They take values and `now` and return values, so they are tested without an app and give the
same answer for the same input. This walks every module there, so a new rule is covered too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parent.parent / "briefs" / "rules"

#: Top-level packages a rule must not import: the web framework and the database.
FORBIDDEN_PACKAGES = ("flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy")

#: Calls that read the clock; a rule takes `now` from its caller instead.
CLOCK_READS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
}


def impurities(source: str) -> list[str]:
    """Return what in one module's source makes it impure, as readable lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [module] if node.level == 0 else []
            if module == "briefs":
                names = [f"briefs.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = (
                owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            )
            if (owner_name, node.func.attr) in CLOCK_READS:
                found.append(f"line {node.lineno}: reads the clock ({owner_name}.{node.func.attr})")
            continue
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in FORBIDDEN_PACKAGES:
                found.append(f"line {node.lineno}: imports {name}")
            # Any other part of the app may reach the database or the request, so a rule
            # leans only on other rules.
            elif top == "briefs" and not (
                name == "briefs.rules" or name.startswith("briefs.rules.")
            ):
                found.append(f"line {node.lineno}: imports {name}")
    return found


def rule_modules() -> list[Path]:
    return sorted(RULES.rglob("*.py"))


def test_the_rules_folder_holds_the_rules():
    names = {path.stem for path in rule_modules()}
    # A walk over an empty or moved folder would pass vacuously.
    assert {"completeness", "whose_move", "reminders", "deadlines", "event_chain"} <= names
    assert len(names) >= 12


@pytest.mark.parametrize("path", rule_modules(), ids=lambda path: path.stem)
def test_rule_module_is_pure(path):
    assert impurities(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from flask import current_app", "imports flask"),
        ("import flask_babel", "imports flask_babel"),
        ("from sqlalchemy.orm import Session", "imports sqlalchemy.orm"),
        ("from briefs.models import Brief", "imports briefs.models"),
        ("from briefs.extensions import db", "imports briefs.extensions"),
        ("from briefs import clock", "imports briefs.clock"),
        ("from datetime import datetime\nx = datetime.now()", "reads the clock (datetime.now)"),
        ("import datetime\nx = datetime.date.today()", "reads the clock (date.today)"),
        ("import time\nx = time.time()", "reads the clock (time.time)"),
    ],
)
def test_the_check_catches_what_it_forbids(source, problem):
    assert any(problem in line for line in impurities(source))


def test_the_check_lets_rules_lean_on_rules():
    source = (
        "from briefs.rules.working_days import WorkCalendar\nfrom datetime import UTC, datetime"
    )
    assert impurities(source) == []
