"""Questions that appear only when they apply: conditions on earlier answers.

A condition is plain JSON, stored on a template's field or section and copied into each
brief. It is a group, `{"all": [...]}` or `{"any": [...]}`, of rules and nested groups; a
rule names an earlier question by key and an operator:

- `{"key": "place", "op": "equals", "value": "At home"}`: the answer is exactly that;
- `{"key": "place", "op": "one_of", "values": ["At home", "Online"]}`: one of those;
- `{"key": "topics", "op": "contains", "value": "Prices"}`: a chosen option, or the text
  contains it (case does not matter);
- `{"key": "site", "op": "answered"}` / `"not_answered"` / `"not_applicable"`: the three
  states of an answer (a "not applicable" answer is neither answered nor unanswered).

A hidden question counts as not answered for the questions after it, so hiding cascades.
A question whose condition is false is hidden and not required. A condition may refer only
to an earlier question, which rules out cycles.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

EQUALS = "equals"
ONE_OF = "one_of"
CONTAINS = "contains"
ANSWERED = "answered"
NOT_ANSWERED = "not_answered"
NOT_APPLICABLE = "not_applicable"

#: Operators that compare with one value, with a list of values, or with none.
VALUE_OPS = (EQUALS, CONTAINS)
LIST_OPS = (ONE_OF,)
STATE_OPS = (ANSWERED, NOT_ANSWERED, NOT_APPLICABLE)
OPERATORS = VALUE_OPS + LIST_OPS + STATE_OPS

ALL = "all"
ANY = "any"
#: Deeper nesting is refused: nobody writes it on purpose, and it bounds the work.
MAX_DEPTH = 4


class ConditionError(ValueError):
    """A condition that is malformed: a `code` saying what is wrong, and its `params`.

    The text is English for logs; pages word the code in their language
    (briefs.condition_words.condition_problem).
    """

    #: What is wrong, one of the messages in ENGLISH below.
    code: str
    params: dict[str, str]

    ENGLISH = {
        "not_mapping": "a condition is a mapping with 'all' or 'any'",
        "too_deep": "conditions are nested too deeply",
        "one_match": "a condition has exactly one of 'all' or 'any'",
        "empty_list": "'{match}' needs a list of at least one rule",
        "empty_rule": "an empty rule",
        "no_key": "a rule needs the key of an earlier question",
        "unknown_operator": "unknown operator {op}; use one of {operators}",
        "unknown_entries": "unknown entries in a rule: {entries}",
        "needs_value": "'{op}' needs a value",
        "needs_values": "'{op}' needs a list of values",
        "takes_no_value": "'{op}' takes no value",
    }

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(self.ENGLISH[code].format(**params))
        self.code = code
        self.params = params


class AnswerLike(Protocol):
    """The attributes of a field a condition looks at."""

    key: str
    value: str
    not_applicable: bool
    condition: dict | None


@dataclass(frozen=True)
class Rule:
    """One test on one earlier answer."""

    key: str
    op: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """Rules and groups joined by all-of or any-of."""

    match: str
    items: tuple[Rule | Group, ...]


def parse(raw: object, depth: int = 0) -> Group | None:
    """Return the condition as a Group (None for no condition), or raise ConditionError.

    A single rule on its own is read as a group of one.
    """
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise ConditionError("not_mapping")
    if depth > MAX_DEPTH:
        raise ConditionError("too_deep")
    if "key" in raw:
        return Group(ALL, (_rule(raw),))
    matches = [m for m in (ALL, ANY) if m in raw]
    if len(matches) != 1 or len(raw) != 1:
        raise ConditionError("one_match")
    match = matches[0]
    items = raw[match]
    if not isinstance(items, list) or not items:
        raise ConditionError("empty_list", match=match)
    parsed: list[Rule | Group] = []
    for item in items:
        if isinstance(item, dict) and "key" in item:
            parsed.append(_rule(item))
        else:
            group = parse(item, depth + 1)
            if group is None:
                raise ConditionError("empty_rule")
            parsed.append(group)
    return Group(match, tuple(parsed))


def _rule(raw: dict) -> Rule:
    """Read one rule, checking its operator and values."""
    key, op = raw.get("key"), raw.get("op")
    if not isinstance(key, str) or not key:
        raise ConditionError("no_key")
    if op not in OPERATORS:
        raise ConditionError("unknown_operator", op=repr(op), operators=", ".join(OPERATORS))
    extra = set(raw) - {"key", "op", "value", "values"}
    if extra:
        raise ConditionError("unknown_entries", entries=", ".join(sorted(extra)))
    if op in VALUE_OPS:
        value = raw.get("value")
        if not isinstance(value, str) or not value.strip():
            raise ConditionError("needs_value", op=op)
        return Rule(key, op, (value.strip(),))
    if op in LIST_OPS:
        values = raw.get("values")
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v.strip() for v in values)
        ):
            raise ConditionError("needs_values", op=op)
        return Rule(key, op, tuple(v.strip() for v in values))
    if "value" in raw or "values" in raw:
        raise ConditionError("takes_no_value", op=op)
    return Rule(key, op)


def dump(group: Group | None) -> dict | None:
    """Return the condition as JSON-ready data, the form it is stored in."""
    if group is None:
        return None
    return {group.match: [_dump_item(item) for item in group.items]}


def _dump_item(item: Rule | Group) -> dict:
    if isinstance(item, Group):
        return {item.match: [_dump_item(i) for i in item.items]}
    if item.op in VALUE_OPS:
        return {"key": item.key, "op": item.op, "value": item.values[0]}
    if item.op in LIST_OPS:
        return {"key": item.key, "op": item.op, "values": list(item.values)}
    return {"key": item.key, "op": item.op}


def keys_of(group: Group | None) -> list[str]:
    """Return the keys a condition refers to, each once, in order."""
    found: list[str] = []
    for item in group.items if group else ():
        for key in keys_of(item) if isinstance(item, Group) else [item.key]:
            if key not in found:
                found.append(key)
    return found


def _rules(group: Group | None) -> Iterable[Rule]:
    """Every rule of a condition, nested groups walked, in order."""
    for item in group.items if group else ():
        if isinstance(item, Group):
            yield from _rules(item)
        else:
            yield item


def foreign_values(raw: object, answers: Mapping[str, Collection[str]]) -> list[tuple[str, str]]:
    """Return the (key, value) pairs a condition compares a question's answer with that it
    can never be given, for the questions in `answers`: by key, all the answers one can be
    given (its options, or yes and no); each pair once, in order.

    Such a rule never holds, so whatever it shows would stay hidden for good. "Includes"
    also matches part of a longer answer: its value only has to appear in one of them.
    A malformed condition has none here (it is refused where it is read).
    """
    try:
        group = parse(raw)
    except ConditionError:
        return []
    found: list[tuple[str, str]] = []
    for rule in _rules(group):
        given = answers.get(rule.key)
        if given is None or rule.op in STATE_OPS:
            continue
        for value in rule.values:
            if rule.op == CONTAINS:
                reachable = any(value.casefold() in answer.casefold() for answer in given)
            else:
                reachable = value in given
            if not reachable and (rule.key, value) not in found:
                found.append((rule.key, value))
    return found


def combine(*conditions: dict | None) -> dict | None:
    """Join a section's and a field's condition: both must hold."""
    present = [c for c in conditions if c]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return {ALL: present}


@dataclass(frozen=True)
class Answer:
    """What a condition sees of an earlier answer."""

    value: str = ""
    not_applicable: bool = False

    @property
    def choices(self) -> list[str]:
        return [line.strip() for line in self.value.splitlines() if line.strip()]


#: The answer of a hidden or unknown question.
NO_ANSWER = Answer()


def holds(group: Group | None, answers: dict[str, Answer]) -> bool:
    """Tell whether the condition holds for the answers given by key (no condition: yes)."""
    if group is None:
        return True
    results = (
        holds(item, answers) if isinstance(item, Group) else _test(item, answers)
        for item in group.items
    )
    return all(results) if group.match == ALL else any(results)


def _test(rule: Rule, answers: dict[str, Answer]) -> bool:
    """Test one rule against the answer to its question."""
    answer = answers.get(rule.key, NO_ANSWER)
    answered = not answer.not_applicable and bool(answer.choices)
    if rule.op == ANSWERED:
        return answered
    if rule.op == NOT_ANSWERED:
        return not answered and not answer.not_applicable
    if rule.op == NOT_APPLICABLE:
        return answer.not_applicable
    if not answered:
        return False
    text = answer.value.strip()
    if rule.op == EQUALS:
        return text == rule.values[0]
    if rule.op == ONE_OF:
        return text in rule.values or any(c in rule.values for c in answer.choices)
    wanted = rule.values[0]
    return wanted in answer.choices or wanted.casefold() in text.casefold()


def hidden_keys(fields: Iterable[AnswerLike]) -> frozenset[str]:
    """Return the keys of the questions hidden by their conditions, fields in brief order.

    A malformed stored condition hides nothing: a question is never lost to a typo. An
    object without a `condition` attribute has no condition.
    """
    answers: dict[str, Answer] = {}
    hidden: set[str] = set()
    for field in fields:
        try:
            group = parse(getattr(field, "condition", None))
        except ConditionError:
            group = None
        if holds(group, answers):
            answers[field.key] = Answer(field.value or "", field.not_applicable)
        else:
            hidden.add(field.key)
    return frozenset(hidden)


def shown(fields: Sequence[AnswerLike], hidden: frozenset[str] | None = None) -> list:
    """Return the fields that apply, in the order given."""
    hidden = hidden_keys(fields) if hidden is None else hidden
    return [field for field in fields if field.key not in hidden]


@dataclass(frozen=True)
class Problem:
    """A condition that refers to a question it may not: which one, and why."""

    #: The key of the field whose condition is wrong, or None for a section's.
    owner: str | None
    #: Index in the order given, so a caller can name the line or section.
    index: int
    key: str
    #: "self", "later" or "unknown".
    reason: str


def reference_problems(
    items: Sequence[tuple[str | None, dict | None]],
) -> list[Problem]:
    """Check conditions refer only to earlier questions, in template order.

    `items` lists sections and fields in order as (key, condition); a section's key is None.
    A reference to itself or to a later question would make a cycle; a reference to no
    question at all is a typo. Malformed conditions raise ConditionError.
    """
    all_keys = {key for key, _ in items if key}
    earlier: set[str] = set()
    problems: list[Problem] = []
    for index, (owner, raw) in enumerate(items):
        for key in keys_of(parse(raw)):
            if key in earlier:
                continue
            reason = "self" if key == owner else "later" if key in all_keys else "unknown"
            problems.append(Problem(owner, index, key, reason))
        if owner:
            earlier.add(owner)
    return problems


def dependents(items: Sequence[tuple[str | None, dict | None]], key: str) -> list[int]:
    """Return the indexes of the items whose condition refers to `key`."""
    found = []
    for index, (_owner, raw) in enumerate(items):
        try:
            group = parse(raw)
        except ConditionError:
            continue
        if key in keys_of(group):
            found.append(index)
    return found
