"""Sphinx helpers for the logistica site, all offline and generated at build time.

- ``run``: execute Python in a per-page namespace; show the code, its printed output
  (warnings included) and the matplotlib figures it drew.
- ``typer-cli``: the command-line reference, walked from the Typer application.
- ``json-schema``: a table of the model-file JSON Schema's fields.
- ``readme-section``: one ``## Section`` of README.md, parsed as Markdown.
- ``write_api_pages``: one autosummary page per public module (called from conf.py).
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import io
import json
import re
import traceback
import warnings
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

# ----------------------------------------------------------------------------- run


def _execute(code: str, namespace: dict, filename: str) -> str:
    """Run ``code`` like a notebook cell: print the last expression's repr."""
    tree = ast.parse(code, filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # third-party deprecations are not the lesson of a page
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
        exec(compile(tree, filename, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, filename, "eval"), namespace)
            if value is not None:
                print(repr(value))
    seen = set()
    for w in caught:
        line = f"{w.category.__name__}: {w.message}"
        if line not in seen:
            seen.add(line)
            out.write(line + "\n")
    return out.getvalue().rstrip()


class RunDirective(SphinxDirective):
    """Execute the content; show code, output and figures. Fails the build on error."""

    has_content = True
    option_spec: ClassVar[dict] = {"hide-code": directives.flag, "hide-output": directives.flag}

    def run(self):
        import matplotlib.pyplot as plt

        code = "\n".join(self.content)
        namespace = self.env.temp_data.setdefault("logistica_run_ns", {"__name__": "__main__"})
        counter = self.env.temp_data.get("logistica_run_count", 0) + 1
        self.env.temp_data["logistica_run_count"] = counter
        try:
            output = _execute(code, namespace, f"<{self.env.docname}:{self.lineno}>")
        except Exception:
            plt.close("all")
            message = f"code block failed:\n{code}\n\n{traceback.format_exc()}"
            return [self.state_machine.reporter.error(message, line=self.lineno)]
        result: list[nodes.Node] = []
        if "hide-code" not in self.options:
            block = nodes.literal_block(code, code, language="python")
            block["classes"].append("run-code")
            result.append(block)
        if output and "hide-output" not in self.options:
            block = nodes.literal_block(output, output, language="none")
            block["classes"].append("run-output")
            result.append(block)
        figures = Path(self.env.srcdir) / "_generated" / "figures"
        figures.mkdir(parents=True, exist_ok=True)
        slug = self.env.docname.replace("/", "-")
        for number in plt.get_fignums():
            name = f"{slug}-{counter}-{number}.png"
            plt.figure(number).savefig(figures / name, dpi=90, bbox_inches="tight")
            uri = f"/_generated/figures/{name}"
            result.append(nodes.image(uri=uri, candidates={"*": uri}, alt="figure"))
        plt.close("all")
        return result


# ----------------------------------------------------------------------------- CLI


def _cli_lines(app_path: str, prog: str) -> list[str]:
    import typer

    module, _, attr = app_path.partition(":")
    command = typer.main.get_command(getattr(importlib.import_module(module), attr))
    context_class = type(command).context_class
    root = context_class(command, info_name=prog)
    lines = [command.help or "", "", ".. code-block:: text", ""]
    lines += ["   " + line for line in command.get_usage(root).splitlines()] + [""]
    if command.epilog:
        lines += [command.epilog, ""]
    for name, sub in sorted(command.commands.items()):
        if sub.hidden:
            continue
        ctx = context_class(sub, info_name=name, parent=root)
        title = f"{prog} {name}"
        lines += [f".. _cli-{name}:", "", title, "-" * len(title), ""]
        lines += [(sub.help or "").strip(), "", ".. code-block:: text", ""]
        lines += ["   " + line for line in sub.get_usage(ctx).splitlines()] + [""]
        lines += [".. list-table::", "   :header-rows: 1", "   :widths: 35 65", ""]
        lines += ["   * - argument / option", "     - meaning"]
        for param in sub.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            opts, text = record
            text = " ".join(text.split()) or "\u2014"
            lines += [f"   * - ``{opts}``", f"     - {_rst_escape(text)}"]
        lines.append("")
        if sub.epilog:
            lines += [sub.epilog, ""]
    return lines


def _rst_escape(text: str) -> str:
    return re.sub(r"([*`|_\\])", r"\\\1", text)


class TyperCliDirective(SphinxDirective):
    """``.. typer-cli:: package.module:app`` with ``:prog:`` (the program name)."""

    required_arguments = 1
    option_spec: ClassVar[dict] = {"prog": directives.unchanged}

    def run(self):
        lines = _cli_lines(self.arguments[0], self.options.get("prog", "cli"))
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, "<typer-cli>"), container)
        return container.children


# ----------------------------------------------------------------------------- schema


def _type_of(spec: dict) -> str:
    if "$ref" in spec:
        return "see ``" + spec["$ref"].rsplit("/", 1)[-1] + "``"
    if "const" in spec:
        return "``" + json.dumps(spec["const"]) + "``"
    if "enum" in spec:
        return "one of " + ", ".join("``" + json.dumps(v) + "``" for v in spec["enum"])
    for key in ("anyOf", "oneOf"):
        if key in spec:
            return " or ".join(_type_of(s) for s in spec[key])
    kind = spec.get("type", "any")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    if kind == "array" and isinstance(spec.get("items"), dict):
        kind = f"array of {_type_of(spec['items'])}"
    return kind


def _schema_table(title: str, spec: dict) -> list[str]:
    properties = spec.get("properties", {})
    if not properties:
        return []
    required = set(spec.get("required", []))
    lines = [f".. rubric:: {title}", ""]
    if spec.get("description"):
        lines += [_rst_escape(spec["description"]), ""]
    lines += [".. list-table::", "   :header-rows: 1", "   :widths: 25 35 10 30", ""]
    lines += ["   * - field", "     - type", "     - required", "     - notes"]
    for name, sub in properties.items():
        notes = _rst_escape(sub.get("description", "")) or "\u2014"
        lines += [f"   * - ``{name}``", f"     - {_type_of(sub)}"]
        lines += [f"     - {'yes' if name in required else 'no'}", f"     - {notes}"]
    return [*lines, ""]


class JsonSchemaDirective(SphinxDirective):
    """``.. json-schema:: path`` (relative to the docs source): field tables per definition."""

    required_arguments = 1

    def run(self):
        path = (Path(self.env.srcdir) / self.arguments[0]).resolve()
        self.env.note_dependency(str(path))
        schema = json.loads(path.read_text())
        lines = _schema_table("The file (top level)", schema)
        for name, spec in schema.get("$defs", {}).items():
            lines += _schema_table(f"``{name}``", spec)
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, str(path)), container)
        return container.children


# ----------------------------------------------------------------------------- README


def readme_section(text: str, title: str) -> str | None:
    """The body of ``## title`` in a Markdown text, without the heading; None if absent."""
    match = re.search(rf"^## {re.escape(title)}[ \t]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if match is None:
        return None
    body = match.group(1)
    # links that only make sense on GitHub (README anchors, files outside docs/) become text
    body = re.sub(r"\[([^\]]+)\]\((?:#|\.\./|\./)[^)]*\)", r"\1", body)
    return body.replace("\n### ", "\n## ")


class ReadmeSectionDirective(SphinxDirective):
    """``.. readme-section:: Title`` includes that section of README.md (Markdown)."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict] = {"path": directives.unchanged}

    def run(self):
        path = (Path(self.env.srcdir) / self.options.get("path", "../README.md")).resolve()
        self.env.note_dependency(str(path))
        body = readme_section(path.read_text(), self.arguments[0])
        if body is None:
            text = f"README.md has no '{self.arguments[0]}' section yet."
            return [nodes.paragraph(text, text)]
        container = nodes.section()
        container.document = self.state.document
        self.state.nested_parse(StringList(body.splitlines(), str(path)), 0, container)
        return container.children


# ----------------------------------------------------------------------------- API pages


def public_objects(module_name: str) -> list[tuple[str, object]]:
    """``(name, object)`` for the names in a module's ``__all__``."""
    module = importlib.import_module(module_name)
    return [(n, getattr(module, n)) for n in getattr(module, "__all__", []) if n != "__version__"]


def write_api_pages(outdir: Path, sections: list[tuple[str, list[str]]]) -> list[str]:
    """Write ``index.rst`` and one page per module; an object is documented once.

    Returns the fully qualified names documented (one page each). Modules that cannot be
    imported (an optional extra missing) are listed with the import error.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    documented: dict[object, str] = {}
    names: list[str] = []
    index = [
        "API reference",
        "=============",
        "",
        ".. Generated by docs/_ext/logistica_docs.py",
        "",
    ]
    index += ["Everything importable from ``logistica`` and its public submodules, "]
    index += ["generated from the numpydoc docstrings.", ""]
    for heading, modules in sections:
        index += [heading, "-" * len(heading), "", ".. toctree::", "   :maxdepth: 1", ""]
        for module_name in modules:
            index.append(f"   {module_name}")
            page = [f"``{module_name}``", "=" * (len(module_name) + 4), ""]
            page += [f".. automodule:: {module_name}", "   :no-members:", ""]
            page += [f".. currentmodule:: {module_name}", ""]
            try:
                objects = public_objects(module_name)
            except ImportError as error:  # pragma: no cover - depends on installed extras
                (outdir / f"{module_name}.rst").write_text(
                    "\n".join([*page[:3], f"Not importable here: {error}", ""])
                )
                continue
            new, aliases = [], []
            for name, obj in objects:
                key: object = id(obj)
                if isinstance(obj, (str, int, float, tuple, frozenset, dict, list)):
                    key = (module_name, name)  # constants: identity means nothing for them
                if key in documented:
                    aliases.append((name, documented[key]))
                else:
                    documented[key] = f"{module_name}.{name}"
                    new.append(name)
            if new:
                page += [".. autosummary::", "   :toctree: generated", "   :nosignatures:", ""]
                page += [f"   {name}" for name in new] + [""]
                names += [f"{module_name}.{name}" for name in new]
            if aliases:
                page += ["Also available here (documented where first listed):", ""]
                page += [f"- ``{name}``: :py:obj:`{target}`" for name, target in aliases]
                page.append("")
            (outdir / f"{module_name}.rst").write_text("\n".join(page))
        index.append("")
    (outdir / "index.rst").write_text("\n".join(index))
    return names


def setup(app):
    app.add_directive("run", RunDirective)
    app.add_directive("typer-cli", TyperCliDirective)
    app.add_directive("json-schema", JsonSchemaDirective)
    app.add_directive("readme-section", ReadmeSectionDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
