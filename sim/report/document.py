"""The documents: a report as blocks, written as Markdown (``report.md``) and HTML.

The HTML page is self-contained: figures are embedded as base64 PNG, the style sheet is
inline, and inline Markdown (`code`, **bold**) is rendered.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;"
    "margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}"
    "h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;"
    "margin-top:2rem}table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}"
    "th,td{border:1px solid #ccc;padding:.25rem .5rem}th{background:#f3f3f3}"
    ".num{text-align:right}figure{margin:1.5rem 0}img{max-width:100%}"
    "figcaption{font-size:.85rem;color:#555}pre{background:#f6f6f6;padding:.75rem;"
    "overflow-x:auto;white-space:pre-wrap}code{background:#f3f3f3;padding:0 .2rem}"
)
"""Style sheet of ``report.html``: readable width, plain tables, right-aligned numbers."""


@dataclass
class Document:
    """A report as blocks, rendered to Markdown and to HTML."""

    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def h(self, level: int, text: str) -> None:
        """A heading of ``level`` (1 = title)."""
        self.blocks.append(("h", (level, text)))

    def p(self, text: str) -> None:
        """A paragraph (inline Markdown: `code`, **bold**)."""
        self.blocks.append(("p", text))

    def ul(self, items: Sequence[str]) -> None:
        """A bulleted list."""
        self.blocks.append(("ul", list(items)))

    def ol(self, items: Sequence[str]) -> None:
        """A numbered list."""
        self.blocks.append(("ol", list(items)))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> None:
        """A table; ``align`` has one letter per column: ``l`` left, ``r`` right (numbers)."""
        self.blocks.append(("table", (list(header), [list(r) for r in rows], align)))

    def fig(self, path: str, caption: str) -> None:
        """A figure: its PNG path relative to the folder, and its caption."""
        self.blocks.append(("fig", (path, caption)))

    def code(self, text: str) -> None:
        """A preformatted text block."""
        self.blocks.append(("code", text))

    def markdown(self) -> str:
        """The document as Markdown (``report.md``)."""
        out: list[str] = []
        for kind, value in self.blocks:
            if kind == "h":
                out += ["#" * value[0] + " " + value[1], ""]
            elif kind == "p":
                out += [value, ""]
            elif kind == "ul":
                out += [f"- {item}" for item in value] + [""]
            elif kind == "ol":
                out += [f"{i}. {item}" for i, item in enumerate(value, 1)] + [""]
            elif kind == "table":
                header, rows, align = value
                out.append("| " + " | ".join(header) + " |")
                out.append("|" + "".join("---|" if a == "l" else "---:|" for a in align))
                out += ["| " + " | ".join(r) + " |" for r in rows]
                out.append("")
            elif kind == "fig":
                out += [f"![{value[1]}]({value[0]})", "", f"*{value[1]}*", ""]
            elif kind == "code":
                out += ["```text", value, "```", ""]
        return "\n".join(out).rstrip("\n") + "\n"

    def html(self, folder: Path, title: str, lang: str) -> str:
        """The document as one HTML page with the figures of ``folder`` embedded."""

        def inline(text: str) -> str:
            text = html.escape(text)
            text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
            return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)

        body: list[str] = []
        for kind, value in self.blocks:
            if kind == "h":
                body.append(f"<h{value[0]}>{inline(value[1])}</h{value[0]}>")
            elif kind == "p":
                body.append(f"<p>{inline(value)}</p>")
            elif kind in ("ul", "ol"):
                items = "".join(f"<li>{inline(i)}</li>" for i in value)
                body.append(f"<{kind}>{items}</{kind}>")
            elif kind == "table":
                header, rows, align = value
                cls = ["" if a == "l" else ' class="num"' for a in align]
                head = "".join(f"<th{c}>{inline(h)}</th>" for h, c in zip(header, cls, strict=True))
                trs = "".join(
                    "<tr>"
                    + "".join(f"<td{c}>{inline(x)}</td>" for x, c in zip(r, cls, strict=True))
                    + "</tr>"
                    for r in rows
                )
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>")
            elif kind == "fig":
                data = base64.b64encode((folder / value[0]).read_bytes()).decode("ascii")
                body.append(
                    f'<figure><img alt="{html.escape(value[1])}" '
                    f'src="data:image/png;base64,{data}"><figcaption>{inline(value[1])}'
                    "</figcaption></figure>"
                )
            elif kind == "code":
                body.append(f"<pre>{html.escape(value)}</pre>")
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body)
            + "\n</body>\n</html>\n"
        )
