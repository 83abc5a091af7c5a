"""A report to markdown and to self-contained HTML, through the Jinja2 templates in ``templates/``."""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from ...i18n import _, ngettext
from .document import Report


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates, with gettext installed so a template's own words come from the message catalogue."""
    env = Environment(
        loader=PackageLoader("diffusionsim.report.comparison", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_, ngettext, newstyle=True)
    env.filters["md_cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    return env


def data_uri(path: Path) -> str:
    """The PNG inline, so the HTML file alone is the whole report (mail it, open it offline)."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def to_markdown(report: Report) -> str:
    """Markdown with figures as relative links, so the report folder can be moved as a whole."""
    return environment().get_template("report.md.j2").render(report=report).strip() + "\n"


def to_html(report: Report, image_dir: Path) -> str:
    """Self-contained HTML: inline CSS, images as data URIs, no scripts and no external references."""
    template = environment().get_template("report.html.j2")
    return template.render(report=report, image=lambda name: data_uri(image_dir / name))
