"""Render matplotlib figures as lean, accessible inline SVG (and optional PNG/SVG files).

Figures are drawn on :class:`matplotlib.figure.Figure` objects (no pyplot, no
global state, no GUI backend). The SVG keeps text as text
(``svg.fonttype: none``), drops matplotlib's metadata and XML prologue, gets
ids unique to the figure (several SVGs share one HTML document) and carries
its alt text as ``role="img"`` + ``aria-label`` + ``<title>``.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LINESTYLES", "OKABE_ITO", "FigureRecord", "new_figure", "render", "require_matplotlib"]

#: Okabe & Ito's colour-blind-safe palette (black omitted).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
#: Line styles paired with the palette: a second cue besides colour.
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 2)), (0, (8, 2))]

_RC = {
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "path.simplify": True,
    "path.simplify_threshold": 0.5,
}


def require_matplotlib():
    """Import matplotlib or raise an ImportError that names the extra to install."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure
    except ImportError as error:  # pragma: no cover - exercised without the extra
        raise ImportError(
            'the report draws its figures with matplotlib: pip install "logistica[plots]"'
        ) from error
    return Figure


@dataclass
class FigureRecord:
    """One figure of the report: inline SVG, alt text and the data table beside it.

    Attributes
    ----------
    id : str
        Identifier (also the asset file stem).
    title : str
        Caption.
    alt : str
        Alt text written from the figure's numbers.
    columns, rows : list
        The collapsible data table.
    svg : str
        The inline SVG markup (empty when the figure failed).
    error : str or None
        Why the figure could not be drawn.
    """

    id: str
    title: str
    alt: str
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    svg: str = ""
    error: str | None = None

    def data(self) -> dict:
        """The figure's numbers for the JSON data island."""
        return {"title": self.title, "alt": self.alt, "columns": self.columns, "rows": self.rows}


def new_figure(width: float = 5.2, height: float = 3.6, ncols: int = 1):
    """A figure (not registered with pyplot) and its axes."""
    import matplotlib

    Figure = require_matplotlib()
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, (axes[0] if ncols == 1 else list(axes))


_ID = re.compile(r'\bid="([^"]+)"')


def _lean(svg: str, figure_id: str, alt: str) -> str:
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    prefix = f"{figure_id}-"
    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    label = html.escape(alt, quote=True)
    svg = re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{label}" class="figure-svg" ',
        1,
    )
    head_end = svg.index(">") + 1
    return svg[:head_end] + f"<title>{label}</title>" + svg[head_end:]


def render(
    fig, record: FigureRecord, assets_dir: Path | None = None, png_dpi: int = 150
) -> FigureRecord:
    """Fill ``record.svg`` from ``fig`` and write ``<id>.svg``/``<id>.png`` under ``assets_dir``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The drawn figure.
    record : FigureRecord
        Its id, title, alt text and table.
    assets_dir : Path, optional
        Where to write the figure files.
    png_dpi : int, default=150
        Resolution of the PNG file.

    Returns
    -------
    FigureRecord
        ``record``, with its SVG.
    """
    import matplotlib

    with matplotlib.rc_context({**_RC, "svg.hashsalt": record.id}):
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        record.svg = _lean(buffer.getvalue(), record.id, record.alt)
        if assets_dir is not None:
            assets_dir.mkdir(parents=True, exist_ok=True)
            standalone = record.svg.replace(
                "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
            ) if 'xmlns="' not in record.svg else record.svg  # fmt: skip
            (assets_dir / f"{record.id}.svg").write_text(standalone, encoding="utf-8")
            fig.savefig(assets_dir / f"{record.id}.png", format="png", dpi=png_dpi)
    return record
