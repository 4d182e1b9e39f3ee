"""The view configuration and bundled assets: ``assets/views.yaml`` (node groups and
colours, chain measures, page limits, and the titles and descriptions of every view and
page), the page script and stylesheet, and the vis-network copy bundled with pyvis."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from govkg.ontology import GKD

ORG_CHAIN = GKD + "scheme/org-chain"
LEAD_ROLE = "牵头"
STREET_DEPTH = 4  # street pages go down to this level of the chain (building party groups)


@cache
def config() -> dict[str, Any]:
    """The view configuration: groups and colours, chain measures, page limits, and the
    texts of every view (``views``) and kind of page (``pages``)."""
    text = resources.files("govkg.graph").joinpath("assets/views.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def asset_text(name: str) -> str:
    return resources.files("govkg.graph").joinpath("assets", name).read_text("utf-8")


def _vis_file(name: str) -> str:
    """A file of the vis-network copy bundled with pyvis, found without importing pyvis
    (which imports IPython: most of a second)."""
    spec = importlib.util.find_spec("pyvis")
    assert spec is not None and spec.submodule_search_locations is not None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "lib" / "vis-9.1.2" / name).read_text("utf-8")


@cache
def vis_network_js() -> str:
    return _vis_file("vis-network.min.js")


@cache
def vis_network_css() -> str:
    """vis-network's stylesheet without the rules that embed button images (the views turn
    navigation and manipulation buttons off): 13 kB instead of 220 kB per page."""
    css = _vis_file("vis-network.css")
    rules = re.findall(r"[^{}]+\{[^{}]*\}", css)
    return "\n".join(r.strip() for r in rules if "url(" not in r)
