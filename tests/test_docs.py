"""The documentation site builds with warnings as errors, and its HTML holds together.

Builds a copy of docs/ (with the examples, README.md and the model-file schema it reads)
into a scratch directory, then walks the HTML: every page the index links to exists, no
internal link or anchor is broken, and every public API object has its page. Skipped only
when the docs extra (``pip install -e ".[docs]"``) is not installed.
"""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS_EXTRA = ["sphinx", "pydata_sphinx_theme", "numpydoc", "sphinx_gallery", "myst_parser"]
# public modules documented elsewhere than the API reference, or not a library API
NOT_IN_API = {"logistica.cli", "logistica.demo", "logistica.workflow"}

for _name in DOCS_EXTRA:
    pytest.importorskip(_name, reason='docs extra not installed: pip install -e ".[docs]"')

pytestmark = pytest.mark.slow


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key) and (tag in ("a", "img") or (key == "href" and tag == "link")):
                self.links.append(attrs[key])


def _api_sections(conf: Path) -> list[tuple[str, list[str]]]:
    for node in ast.parse(conf.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "API_SECTIONS":
            return ast.literal_eval(node.value)
    raise AssertionError("API_SECTIONS not found in docs/conf.py")


def _build(work: Path) -> Path:
    ignore = shutil.ignore_patterns("_build", "_generated", "api", "auto_examples", "*.pyc")
    shutil.copytree(ROOT / "docs", work / "docs", ignore=ignore)
    shutil.copytree(ROOT / "examples", work / "examples", ignore=ignore)
    shutil.copy(ROOT / "README.md", work / "README.md")
    schema = Path("src/logistica/io/schema")
    shutil.copytree(ROOT / schema, work / schema)
    out = work / "html"
    env = {**os.environ, "MPLBACKEND": "Agg", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    done = subprocess.run(
        [*command, str(work / "docs"), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, f"docs build failed:\n{done.stderr[-6000:]}"
    return out


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and not href.startswith(("mailto:", "data:"))


def _check_every_page_linked_from_the_index_exists(site: Path) -> None:
    index = _parse(site / "index.html")
    targets = {urlsplit(h).path for h in index.links if _internal(h) and urlsplit(h).path}
    pages = {t for t in targets if t.endswith(".html")}
    for section in [
        "getting_started.html",
        "user_guide/index.html",
        "auto_examples/index.html",
        "api/index.html",
        "cli.html",
        "model_file.html",
        "guarantees.html",
        "changelog.html",
    ]:
        assert section in pages, f"index does not link {section}"
    for target in pages:
        assert (site / unquote(target)).is_file(), f"index links a missing page {target}"


def _check_no_broken_internal_links_or_anchors(site: Path) -> None:
    site = site.resolve()
    # _static holds the theme's template fragments, not pages
    parsed = {p.resolve(): _parse(p) for p in site.rglob("*.html") if "_static" not in p.parts}
    broken = []
    for page, content in parsed.items():
        for href in content.links:
            if not _internal(href):
                continue
            parts = urlsplit(href)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif (
                parts.fragment
                and target in parsed
                and unquote(parts.fragment) not in parsed[target].ids
            ):
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(sorted(set(broken))[:50])


def _check_every_public_api_object_has_a_page(site: Path) -> None:
    sections = _api_sections(ROOT / "docs" / "conf.py")
    documented = {m for _, modules in sections for m in modules}
    import logistica

    public = {
        f"logistica.{m.name}"
        for m in pkgutil.iter_modules(logistica.__path__)
        if not m.name.startswith("_")
    }
    missing_modules = public - documented - NOT_IN_API
    assert not missing_modules, f"public modules missing from API_SECTIONS: {missing_modules}"
    pages = {p.stem for p in (site / "api" / "generated").glob("*.html")}
    missing = []
    for module_name in sorted(documented):
        module = importlib.import_module(module_name)
        assert (site / "api" / f"{module_name}.html").is_file(), module_name
        module_page = (site / "api" / f"{module_name}.html").read_text()
        for name in getattr(module, "__all__", []):
            if name == "__version__":
                continue
            if f"{module_name}.{name}" in pages:
                continue
            # documented once where first listed, and linked from this module's page
            if not any(
                p.endswith(f".{name}") and f"generated/{p}.html" in module_page for p in pages
            ):
                missing.append(f"{module_name}.{name}")
    assert not missing, f"public objects without a page: {missing}"


def _check_executed_pages_show_output_and_figures(site: Path) -> None:
    guide = (site / "user_guide" / "model.html").read_text()
    assert "run-output" in guide and "odds ratio" in guide
    assert list((site / "_images").glob("user_guide-*.png")), "the guide's figures are missing"
    assert list((site / "_images").glob("sphx_glr_*.png")), "the gallery's figures are missing"
    cli = (site / "cli.html").read_text()
    for command in ["fit", "predict", "evaluate", "serve", "--fail-under"]:
        assert command in cli


def test_docs_build_and_walk(tmp_path: Path):
    """One build (a few minutes at most), then every check on its HTML."""
    site = _build(tmp_path)
    _check_every_page_linked_from_the_index_exists(site)
    _check_no_broken_internal_links_or_anchors(site)
    _check_every_public_api_object_has_a_page(site)
    _check_executed_pages_show_output_and_figures(site)
