"""The app's layout: no import cycle among the modules of `briefs`, not even a hidden one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefs"


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    """Map every module of the package to its file: `briefs.x.y` → briefs/x/y.py."""
    names = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Yield every import statement, inside functions too, skipping `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in _imports_of(child))
            continue
        yield from _imports_of(node)


def _imports_of(node: ast.AST):
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _imports(node)


def imported_modules(module: str, path: Path, modules: set[str]) -> set[str]:
    """Return the package's modules that `module` imports anywhere in its file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            # `from pkg import name` imports the submodule pkg.name when there is one.
            submodule = f"{base}.{alias.name}"
            found.add(submodule if submodule in modules else base)
    return {name for name in found if name in modules and name != module}


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Return, for every module of the package, the package's modules it imports."""
    files = module_names(root)
    names = set(files)
    return {name: imported_modules(name, path, names) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_app_takes_part_in_an_import_cycle():
    graph = import_graph()
    assert len(graph) > 80  # the walk found the package, not an empty folder
    assert "briefs.briefs_admin.page" in graph["briefs.briefs_admin.routes"]
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_cycles_finds_a_cycle_and_ignores_a_chain():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    # The shape of the cycle briefs_admin had: routes imports collaboration at the top,
    # collaboration imports routes inside a function to render the page.
    package = tmp_path / "briefs"
    (package / "admin").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "admin" / "__init__.py").write_text("")
    (package / "admin" / "routes.py").write_text("from briefs.admin import collaboration\n")
    (package / "admin" / "collaboration.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from briefs.admin.forms import Form\n"
        "def rerender():\n"
        "    from briefs.admin.routes import render_page\n"
    )
    (package / "admin" / "forms.py").write_text("from . import collaboration\n")
    graph = import_graph(package)
    assert graph["briefs.admin.routes"] == {"briefs.admin.collaboration"}
    assert graph["briefs.admin.collaboration"] == {"briefs.admin.routes"}
    assert graph["briefs.admin.forms"] == {"briefs.admin.collaboration"}
    assert cycles(graph) == [["briefs.admin.collaboration", "briefs.admin.routes"]]


README = PACKAGE.parent / "README.md"


def layout_entries(readme: str) -> dict[str, str]:
    """Map each group of README's layout list to its items' text: `briefs/`, `rules/`, `auth/`…

    A bold heading naming `briefs/<folder>/` opens that folder's group; a list item that starts
    with `folder/` is that folder's entry; other items belong to the package itself. Prose
    outside list items (the introduction, the headings) names no module.
    """
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    groups: dict[str, str] = {}
    current = owner = None
    for line in section.splitlines():
        if line.startswith("**"):
            heading = line.split("**")[1]
            current = heading.split("`briefs/", 1)[1].split("`")[0] if "`briefs/" in heading else ""
            current = current or "briefs/"
            owner = None
        elif line.startswith("- ") and current:
            name = line[2:].split(":")[0].strip("`")
            owner = name if name.endswith("/") and current == "briefs/" else current
        elif not line.startswith("  "):
            owner = None
        if owner:
            groups[owner] = groups.get(owner, "") + "\n" + line
    return groups


def unlisted_modules(groups: dict[str, str], root: Path = PACKAGE) -> list[str]:
    """Return the package's modules that the layout section does not name in their place."""
    missing = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        folder = relative.parts[0] + "/" if len(relative.parts) > 1 else "briefs/"
        if path.name == "__init__.py" and folder != "briefs/":
            continue  # a package's docstring; the folder itself is listed
        if folder in ("starters/", "translations/") and folder in groups.get("briefs/", ""):
            continue  # data folders, listed as a whole
        if f"`{path.name}`" not in groups.get(folder, ""):
            missing.append(str(relative))
    return missing


def test_readme_layout_names_every_module_where_it_lives():
    groups = layout_entries(README.read_text(encoding="utf-8"))
    assert {"briefs/", "rules/", "mail/", "auth/", "briefs_admin/"} <= set(groups)
    assert unlisted_modules(groups) == []


def test_readme_layout_names_only_modules_that_exist():
    groups = layout_entries(README.read_text(encoding="utf-8"))
    for folder, text in groups.items():
        base = PACKAGE if folder == "briefs/" else PACKAGE / folder
        for word in text.split():
            name = word.strip("`,.;:()")
            if name.endswith(".py"):
                assert (base / name).exists(), f"README names {folder}{name}: no such module"


def test_a_module_missing_from_the_layout_is_noticed(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "__init__.py").write_text("")
    (tmp_path / "rules" / "completeness.py").write_text("")
    (tmp_path / "rules" / "new_rule.py").write_text("")
    (tmp_path / "cli.py").write_text("")
    readme = (
        "## Layout\nIntro naming `app.py`.\n**`briefs/` itself**\n- `cli.py`: commands.\n"
        "**`briefs/rules/`: pure**\n- `completeness.py`: missing.\n"
    )
    assert unlisted_modules(layout_entries(readme), tmp_path) == ["rules/new_rule.py"]


def private_imports(root: Path = PACKAGE) -> list[str]:
    """Return every `from briefs… import _name`: a module leaning on another's internals."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("briefs"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(root.parent)}: {alias.name}")
    return found


def test_no_module_imports_another_modules_private_names(tmp_path):
    assert private_imports() == []
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "a.py").write_text("from briefs.b import _helper, public\n")
    assert private_imports(tmp_path / "briefs") == ["briefs/a.py: _helper"]
