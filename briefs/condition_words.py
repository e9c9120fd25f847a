"""Conditions in plain words for the agency's pages, in the page's language.

"Shown when «Where is the service provided?» is «At the customer's home»": the rules of
briefs.rules.conditions read out, each question named by its label.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from briefs.rules.conditions import (
    ALL,
    ANSWERED,
    CONTAINS,
    EQUALS,
    NOT_ANSWERED,
    NOT_APPLICABLE,
    ONE_OF,
    ConditionError,
    Group,
    Rule,
    parse,
)

#: The operators as the editor offers them, in this order.
OPERATOR_LABELS = {
    EQUALS: _l("is"),
    ONE_OF: _l("is one of"),
    CONTAINS: _l("includes"),
    ANSWERED: _l("is answered"),
    NOT_ANSWERED: _l("is not answered"),
    NOT_APPLICABLE: _l("is marked “does not apply”"),
}


def condition_problem(error: ConditionError):
    """Say in the page's language what is wrong with a condition (a lazy string)."""
    params = error.params
    if error.code == "not_mapping":
        return _l("a condition is a mapping with 'all' or 'any'")
    if error.code == "too_deep":
        return _l("conditions are nested too deeply")
    if error.code == "one_match":
        return _l("a condition has exactly one of 'all' or 'any'")
    if error.code == "empty_list":
        return _l("'%(match)s' needs a list of at least one rule", match=params["match"])
    if error.code == "empty_rule":
        return _l("a rule is empty")
    if error.code == "no_key":
        return _l("a rule needs the key of an earlier question")
    if error.code == "unknown_operator":
        return _l(
            "unknown operator %(op)s; use one of %(operators)s",
            op=params["op"],
            operators=params["operators"],
        )
    if error.code == "unknown_entries":
        return _l("unknown entries in a rule: %(entries)s", entries=params["entries"])
    if error.code == "needs_value":
        return _l("'%(op)s' needs a value", op=params["op"])
    if error.code == "needs_values":
        return _l("'%(op)s' needs a list of values", op=params["op"])
    return _l("'%(op)s' takes no value", op=params["op"])


def _quoted(text: str) -> str:
    return f"«{text}»"


def _rule_words(rule: Rule, labels: Mapping[str, str]) -> str:
    question = _quoted(labels.get(rule.key, rule.key))
    values = ", ".join(_quoted(v) for v in rule.values)
    if rule.op == EQUALS:
        return _("%(question)s is %(value)s", question=question, value=values)
    if rule.op == ONE_OF:
        return _("%(question)s is one of %(values)s", question=question, values=values)
    if rule.op == CONTAINS:
        return _("%(question)s includes %(value)s", question=question, value=values)
    if rule.op == ANSWERED:
        return _("%(question)s is answered", question=question)
    if rule.op == NOT_ANSWERED:
        return _("%(question)s is not answered", question=question)
    return _("%(question)s is marked “does not apply”", question=question)


def _group_words(group: Group, labels: Mapping[str, str], nested: bool = False) -> str:
    joiner = _(" and ") if group.match == ALL else _(" or ")
    parts = [
        _group_words(item, labels, True) if isinstance(item, Group) else _rule_words(item, labels)
        for item in group.items
    ]
    text = joiner.join(parts)
    return f"({text})" if nested and len(parts) > 1 else text


def describe(condition: dict | None, labels: Mapping[str, str]) -> str:
    """Return "Shown when …" for a stored condition, or "" for none."""
    try:
        group = parse(condition)
    except ConditionError:
        return _("Shown always: its condition cannot be read.")
    if group is None:
        return ""
    return _("Shown when %(condition)s", condition=_group_words(group, labels))
