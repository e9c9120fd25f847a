"""The template file format: turn template data into YAML and back, with clear problems.

Pure functions on plain data: no app, no session. The format is described in
docs/template-format.md; `briefs-template/1` is its only version so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from flask_babel import lazy_gettext as _l

from briefs.condition_words import condition_problem
from briefs.models.types import CHOICE_TYPES, FIELD_TYPES, fixed_answers
from briefs.rules.conditions import (
    ConditionError,
    dump,
    foreign_values,
    parse,
    reference_problems,
)

#: The value of the `format` key this module reads and writes.
FORMAT = "briefs-template/1"

#: A template file larger than this is refused before parsing.
MAX_TEMPLATE_BYTES = 1024 * 1024

#: Languages a template may be written in.
LANGUAGES = ("en", "ru")

#: A field key: lowercase Latin letters, digits and underscores.
KEY_PATTERN = re.compile(r"^[a-z0-9_]+$")

#: Longest values the database columns hold.
MAX_NAME = 200
MAX_TITLE = 200
MAX_KEY = 64
MAX_LABEL = 500
MAX_OPTION = 200

#: Generous ceilings so a runaway file cannot create a runaway template.
MAX_SECTIONS = 100
MAX_FIELDS = 1000
MAX_OPTIONS = 100

TEMPLATE_KEYS = ("format", "name", "language", "description", "sections")
SECTION_KEYS = ("title", "description", "show_when", "fields")
FIELD_KEYS = ("key", "label", "type", "required", "help", "example", "options", "show_when")


@dataclass(frozen=True)
class FieldData:
    """One question as the file describes it."""

    key: str
    label: str
    type: str = "short_text"
    required: bool = False
    help: str = ""
    example: str = ""
    options: tuple[str, ...] = ()
    #: When the question applies (briefs.rules.conditions); None = always.
    condition: dict | None = None


@dataclass(frozen=True)
class SectionData:
    """One section and its questions, in order."""

    title: str
    description: str = ""
    #: When the whole section applies; None = always.
    condition: dict | None = None
    fields: tuple[FieldData, ...] = ()


@dataclass(frozen=True)
class TemplateData:
    """A whole template, independent of the database."""

    name: str
    locale: str = "en"
    description: str = ""
    sections: tuple[SectionData, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (a path like `sections[2].fields[0]`) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else str(self.message)


@dataclass
class TemplateFormatError(ValueError):
    """The file cannot be imported; `problems` says why, each with its place."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(problem) for problem in self.problems)


# -- Writing -----------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """A safe dumper that indents lists and writes multi-line text as literal blocks."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data) -> bool:
        # A condition shared by several questions is written out in full each time: the
        # reader refuses aliases.
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _field_dict(item: FieldData) -> dict:
    out: dict = {"key": item.key, "label": item.label, "type": item.type}
    if item.required:
        out["required"] = True
    if item.help:
        out["help"] = item.help
    if item.example:
        out["example"] = item.example
    if item.options:
        out["options"] = list(item.options)
    if item.condition:
        out["show_when"] = item.condition
    return out


def template_document(data: TemplateData) -> dict:
    """Return the file's mapping (the format's JSON shape); empty optional values left out."""
    document: dict = {"format": FORMAT, "name": data.name, "language": data.locale}
    if data.description:
        document["description"] = data.description
    sections = []
    for section in data.sections:
        item: dict = {"title": section.title}
        if section.description:
            item["description"] = section.description
        if section.condition:
            item["show_when"] = section.condition
        item["fields"] = [_field_dict(f) for f in section.fields]
        sections.append(item)
    document["sections"] = sections
    return document


def dump_template(data: TemplateData) -> str:
    """Write a template as YAML; empty optional values are left out."""
    return yaml.dump(
        template_document(data),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


# -- Reading -----------------------------------------------------------------------------


class _RefusedConstruct(yaml.MarkedYAMLError):
    """Valid YAML this format refuses: an alias or a key repeated in one mapping."""

    def __init__(self, message, mark) -> None:
        super().__init__(problem=message, problem_mark=mark)


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses aliases and repeated keys, and reads yes/no as text.

    YAML 1.1 turns `yes`, `no`, `on` and `off` into booleans, which would silently change
    an option list like [Yes, No]; only `true` and `false` are booleans here.
    """

    #: Lists and mappings nested deeper than this are refused: a template needs four levels
    #: (template, sections, fields, options), and composing recurses once per level.
    MAX_DEPTH = 20

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _RefusedConstruct(
                _l("anchors and aliases (&name, *name) are not supported"), event.start_mark
            )
        depth = getattr(self, "_depth", 0)
        if depth >= self.MAX_DEPTH:
            raise _RefusedConstruct(
                _l(
                    "lists or mappings are nested more than %(limit)s levels deep",
                    limit=self.MAX_DEPTH,
                ),
                self.peek_event().start_mark,
            )
        self._depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth

    def construct_mapping(self, node, deep=False):
        seen: set[str] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in seen:
                raise _RefusedConstruct(
                    _l("the key '%(key)s' appears twice", key=key_node.value),
                    key_node.start_mark,
                )
            seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers[_first].append(("tag:yaml.org,2002:bool", _BOOL))


class _Reader:
    """Walk a parsed document, collecting every problem instead of stopping at the first."""

    def __init__(self, root: yaml.Node | None = None) -> None:
        self.problems: list[Problem] = []
        #: The composed document, to name the line of a problem found after parsing.
        self.root = root
        #: Sections (key None) and fields in order, with their conditions, for the check
        #: that each refers only to an earlier question.
        self.conditions: list[tuple[str | None, dict | None, str]] = []
        #: By key, every answer a question with a fixed list can be given, for the check
        #: that no condition waits for an answer that cannot come.
        self.answers: dict[str, tuple[str, ...]] = {}

    def line_of(self, where: str) -> str:
        """Return `where` with the line it starts on, e.g. "line 12 (sections[1].show_when)"."""
        node, mark = self.root, None
        for part in re.findall(r"[a-z_]+|\[\d+\]", where):
            if isinstance(node, yaml.SequenceNode) and part.startswith("["):
                index = int(part[1:-1])
                node = node.value[index] if index < len(node.value) else None
                mark = node.start_mark if node is not None else None
            elif isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == part), None)
                # The key's line: where a reader looks for `show_when:`.
                node, mark = (pair[1], pair[0].start_mark) if pair else (None, None)
            else:
                node = None
            if node is None or mark is None:
                return where
        return str(_l("line %(line)s (%(where)s)", line=mark.line + 1, where=where))

    def condition(self, where: str, raw: dict, owner: str | None) -> dict | None:
        """Read a `show_when`; its references are checked once the whole file is read."""
        if raw.get("show_when") is None:
            self.conditions.append((owner, None, where))
            return None
        try:
            condition = dump(parse(raw["show_when"]))
        except ConditionError as error:
            self.problem(
                self.line_of(f"{where}.show_when"),
                _l("this condition cannot be read: %(reason)s", reason=condition_problem(error)),
            )
            condition = None
        self.conditions.append((owner, condition, where))
        return condition

    def check_references(self) -> None:
        """Refuse conditions on the same, a later or an unknown question, naming the line."""
        items = [(owner, condition) for owner, condition, _where in self.conditions]
        for problem in reference_problems(items):
            where = self.line_of(f"{self.conditions[problem.index][2]}.show_when")
            if problem.reason == "unknown":
                message = _l("no question has the key '%(key)s'", key=problem.key)
            elif problem.reason == "self":
                message = _l("a question cannot depend on its own answer")
            else:
                message = _l(
                    "'%(key)s' comes later; a condition can only use an earlier question",
                    key=problem.key,
                )
            self.problem(where, message)
        for _owner, condition, where in self.conditions:
            for key, value in foreign_values(condition, self.answers):
                self.problem(
                    self.line_of(f"{where}.show_when"),
                    _l(
                        "'%(key)s' cannot be answered '%(value)s' (its answers: %(answers)s), "
                        "so this would never be shown",
                        key=key,
                        value=value,
                        answers=", ".join(self.answers[key]),
                    ),
                )

    def problem(self, where: str, message) -> None:
        self.problems.append(Problem(where, message))

    def unknown_keys(self, where: str, mapping: dict, allowed: tuple[str, ...]) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(
                    where,
                    _l(
                        "unknown key '%(key)s' (allowed: %(allowed)s)",
                        key=key,
                        allowed=", ".join(allowed),
                    ),
                )

    def text(
        self, where: str, mapping: dict, key: str, *, required: bool = False, limit: int = 0
    ) -> str:
        """Read a text value; numbers count as text, so `example: 5000` works."""
        path = f"{where}.{key}" if where else key
        value = mapping.get(key)
        if value is None:
            if required:
                self.problem(path, _l("this value is missing"))
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(path, _l("must be text"))
            return ""
        value = str(value)
        if required and not value.strip():
            self.problem(path, _l("must not be empty"))
        if limit and len(value) > limit:
            self.problem(path, _l("is longer than %(limit)s characters", limit=limit))
        return value

    def mapping_list(self, where: str, value, limit: int) -> list[dict]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(where, _l("must be a list"))
            return []
        if len(value) > limit:
            self.problem(where, _l("has more than %(limit)s items", limit=limit))
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append(item)
            else:
                self.problem(f"{where}[{index}]", _l("must be a mapping of keys and values"))
                items.append({})
        return items

    def options(self, where: str, value) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(where, _l("must be a list"))
            return ()
        if len(value) > MAX_OPTIONS:
            self.problem(where, _l("has more than %(limit)s items", limit=MAX_OPTIONS))
            return ()
        options: list[str] = []
        for index, option in enumerate(value):
            if isinstance(option, bool) or not isinstance(option, str | int | float):
                self.problem(f"{where}[{index}]", _l("must be text"))
                continue
            option = str(option).strip()
            if not option:
                self.problem(f"{where}[{index}]", _l("must not be empty"))
            elif len(option) > MAX_OPTION:
                self.problem(
                    f"{where}[{index}]", _l("is longer than %(limit)s characters", limit=MAX_OPTION)
                )
            elif option in options:
                self.problem(
                    f"{where}[{index}]", _l("the option '%(option)s' appears twice", option=option)
                )
            else:
                options.append(option)
        return tuple(options)

    def field(self, where: str, raw: dict, keys_seen: dict[str, str]) -> FieldData:
        self.unknown_keys(where, raw, FIELD_KEYS)
        key = self.text(where, raw, "key", required=True, limit=MAX_KEY)
        if key and not KEY_PATTERN.match(key):
            self.problem(
                f"{where}.key",
                _l(
                    "'%(key)s' may use only lowercase Latin letters, digits and underscores",
                    key=key,
                ),
            )
        elif key in keys_seen:
            self.problem(
                f"{where}.key",
                _l("the key '%(key)s' is already used at %(other)s", key=key, other=keys_seen[key]),
            )
        elif key:
            keys_seen[key] = where
        label = self.text(where, raw, "label", required=True, limit=MAX_LABEL)
        kind = raw.get("type", "short_text")
        if kind not in FIELD_TYPES:
            self.problem(
                f"{where}.type",
                _l(
                    "unknown type '%(type)s' (allowed: %(allowed)s)",
                    type=kind,
                    allowed=", ".join(FIELD_TYPES),
                ),
            )
        required = raw.get("required", False)
        if not isinstance(required, bool):
            self.problem(f"{where}.required", _l("must be true or false"))
            required = False
        options = self.options(f"{where}.options", raw.get("options"))
        condition = self.condition(where, raw, key or None)
        answers = fixed_answers(kind, options)
        if key and answers is not None:
            self.answers[key] = answers
        if kind in CHOICE_TYPES and not raw.get("options"):
            self.problem(f"{where}.options", _l("a choice question needs a list of options"))
        elif kind in FIELD_TYPES and kind not in CHOICE_TYPES and raw.get("options"):
            self.problem(
                f"{where}.options",
                _l("only choice questions have options (this one is '%(type)s')", type=kind),
            )
        return FieldData(
            key=key,
            label=label,
            type=kind if kind in FIELD_TYPES else "short_text",
            required=required,
            help=self.text(where, raw, "help"),
            example=self.text(where, raw, "example"),
            options=options if kind in CHOICE_TYPES else (),
            condition=condition,
        )

    def template(self, document) -> TemplateData:
        if not isinstance(document, dict):
            self.problem("", _l("the file must be a YAML mapping that starts with 'format:'"))
            return TemplateData(name="")
        self.unknown_keys("", document, TEMPLATE_KEYS)
        if "format" not in document:
            self.problem(
                "format", _l("this value is missing; expected '%(format)s'", format=FORMAT)
            )
        elif document["format"] != FORMAT:
            self.problem(
                "format",
                _l(
                    "'%(value)s' is not a format this version reads; expected '%(format)s'",
                    value=document["format"],
                    format=FORMAT,
                ),
            )
        name = self.text("", document, "name", required=True, limit=MAX_NAME)
        locale = document.get("language", "en")
        if locale not in LANGUAGES:
            self.problem(
                "language",
                _l(
                    "unknown language '%(value)s' (allowed: %(allowed)s)",
                    value=locale,
                    allowed=", ".join(LANGUAGES),
                ),
            )
        description = self.text("", document, "description")
        if "sections" in document and document["sections"] is None:
            document["sections"] = []
        raw_sections = self.mapping_list("sections", document.get("sections"), MAX_SECTIONS)
        keys_seen: dict[str, str] = {}
        sections = []
        total_fields = 0
        for s_index, raw_section in enumerate(raw_sections):
            where = f"sections[{s_index}]"
            self.unknown_keys(where, raw_section, SECTION_KEYS)
            title = self.text(where, raw_section, "title", required=True, limit=MAX_TITLE)
            section_condition = self.condition(where, raw_section, None)
            raw_fields = self.mapping_list(f"{where}.fields", raw_section.get("fields"), MAX_FIELDS)
            total_fields += len(raw_fields)
            fields = tuple(
                self.field(f"{where}.fields[{f_index}]", raw_field, keys_seen)
                for f_index, raw_field in enumerate(raw_fields)
            )
            sections.append(
                SectionData(
                    title=title,
                    description=self.text(where, raw_section, "description"),
                    condition=section_condition,
                    fields=fields,
                )
            )
        self.check_references()
        if total_fields > MAX_FIELDS:
            self.problem("sections", _l("has more than %(limit)s questions", limit=MAX_FIELDS))
        return TemplateData(
            name=name,
            locale=locale if locale in LANGUAGES else "en",
            description=description,
            sections=tuple(sections),
        )


def _syntax_problem(error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error)
    message = (
        reason
        if isinstance(error, _RefusedConstruct)
        else _l("this is not valid YAML: %(reason)s", reason=reason)
    )
    if mark is None:
        return Problem("", message)
    return Problem(
        _l("line %(line)s, column %(column)s", line=mark.line + 1, column=mark.column + 1), message
    )


def load_template(text: str) -> TemplateData:
    """Read a template file; raise TemplateFormatError listing every problem found."""
    if len(text.encode("utf-8")) > MAX_TEMPLATE_BYTES:
        raise TemplateFormatError(
            [
                Problem(
                    "",
                    _l(
                        "the file is larger than %(limit)s KB",
                        limit=MAX_TEMPLATE_BYTES // 1024,
                    ),
                )
            ]
        )
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        document = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        raise TemplateFormatError([_syntax_problem(error)]) from None
    finally:
        loader.dispose()
    reader = _Reader(root)
    data = reader.template(document)
    if reader.problems:
        raise TemplateFormatError(reader.problems)
    return data


def read_template_document(document: object) -> TemplateData:
    """Read a template already parsed (the format's JSON shape, as the API receives it).

    The checks are those of `load_template`; problems name their place by path, such as
    `sections[1].fields[0].key`, there being no lines to count.
    """
    reader = _Reader()
    data = reader.template(document)
    if reader.problems:
        raise TemplateFormatError(reader.problems)
    return data
