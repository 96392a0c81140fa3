"""A standalone HTML report: the figures as a table and the charts embedded as data URIs.

Pure logic: no discord import. Every text is escaped; the file opens in any browser offline.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from .metrics import Figure

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:960px;
color:#1f2328;background:#fff;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}.sub{color:#57606a;margin-top:0}
table{border-collapse:collapse;width:100%;margin:1.5rem 0}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #d0d7de}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#1a7f37}.down{color:#cf222e}
figure{margin:1.5rem 0}figure img{max-width:100%;border:1px solid #d0d7de;border-radius:6px}
figcaption{color:#57606a;font-size:.9rem}
"""


@dataclass(frozen=True)
class Chart:
    caption: str
    png: bytes


def _change_cell(figure: Figure) -> str:
    change = figure.change
    if change is None:
        return '<td class="num">—</td>'
    css = "up" if change > 0 else "down" if change < 0 else ""
    return f'<td class="num {css}">{change:+.1f}%</td>'


def render_report(
    *,
    title: str,
    subtitle: str,
    lang: str,
    headers: tuple[str, str, str, str],
    figures: Sequence[Figure],
    label_of: Callable[[str], str],
    format_value: Callable[[Figure, float | None], str],
    charts: Sequence[Chart],
) -> str:
    """The whole document. ``label_of`` names a figure, ``format_value`` formats a value,
    both already translated for ``lang``."""
    rows = "\n".join(
        f"<tr><td>{escape(label_of(fig.key))}</td>"
        f'<td class="num">{escape(format_value(fig, fig.value))}</td>'
        f'<td class="num">{escape(format_value(fig, fig.previous))}</td>'
        f"{_change_cell(fig)}</tr>"
        for fig in figures
    )
    images = "\n".join(
        f'<figure><img alt="{escape(chart.caption)}" src="data:image/png;base64,'
        f'{base64.b64encode(chart.png).decode("ascii")}"><figcaption>{escape(chart.caption)}'
        f"</figcaption></figure>"
        for chart in charts
    )
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        f'<h1>{escape(title)}</h1><p class="sub">{escape(subtitle)}</p>\n'
        f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>\n"
        f"{images}\n</body></html>\n"
    )
