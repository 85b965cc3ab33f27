"""The dbt docs site (issue 14 part 5): what `make docs` publishes and the check that everything is described.

`dbt docs generate --static` writes target/static_index.html, one HTML file with the manifest and the
catalog inlined (it opens offline from disk); `publish` copies it to a stable place. `missing_descriptions`
lists every model, seed, snapshot, analysis, source, exposure, metric and semantic model of the project
without a description, and every column without one: the columns documented in YAML and the columns the
warehouse really has (catalog.json), so an undocumented column added to a model's SQL is caught too.
"""
from __future__ import annotations

import json
from pathlib import Path

PROJECT = "gtm_warehouse"
DESCRIBED_NODES = ("model", "seed", "snapshot", "analysis")


def _blank(text) -> bool:
    return not (text or "").strip()


def missing_descriptions(manifest: dict, catalog: dict | None = None) -> list[str]:
    """`<kind> <name>[.<column>]` for every undescribed item of the project (an empty list when complete)."""
    catalog = catalog or {"nodes": {}, "sources": {}}
    gaps: list[str] = []

    def check_columns(unique_id: str, documented: dict, in_catalog: dict, label: str) -> None:
        documented_lower = {name.lower(): c for name, c in documented.items()}
        for name, column in documented.items():
            if _blank(column.get("description")):
                gaps.append(f"{label}.{name}")
        for name in in_catalog:
            if name.lower() not in documented_lower:
                gaps.append(f"{label}.{name.lower()} (in the warehouse, not in YAML)")

    for unique_id, node in manifest["nodes"].items():
        if node.get("package_name") != PROJECT or node["resource_type"] not in DESCRIBED_NODES:
            continue
        label = f"{node['resource_type']} {node['name']}"
        if _blank(node.get("description")):
            gaps.append(label)
        if node["resource_type"] in ("model", "seed", "snapshot"):
            in_catalog = catalog.get("nodes", {}).get(unique_id, {}).get("columns", {})
            check_columns(unique_id, node.get("columns", {}), in_catalog, label)
    for unique_id, source in manifest["sources"].items():
        if source.get("package_name") != PROJECT:
            continue
        label = f"source {source['source_name']}.{source['name']}"
        if _blank(source.get("description")):
            gaps.append(label)
        if _blank(source.get("source_description")):
            gaps.append(f"source {source['source_name']} (the source itself)")
        in_catalog = catalog.get("sources", {}).get(unique_id, {}).get("columns", {})
        check_columns(unique_id, source.get("columns", {}), in_catalog, label)
    for kind in ("exposures", "metrics", "semantic_models"):
        for item in manifest.get(kind, {}).values():
            if item.get("package_name") == PROJECT and _blank(item.get("description")):
                gaps.append(f"{kind[:-1]} {item['name']}")
    for item in manifest.get("semantic_models", {}).values():
        if item.get("package_name") != PROJECT:
            continue
        for part in ("entities", "dimensions", "measures"):
            for element in item.get(part) or []:
                if part != "entities" and _blank(element.get("description")):
                    gaps.append(f"semantic_model {item['name']}.{element['name']} ({part[:-1]})")
    return sorted(set(gaps))


def load_artifacts(target: Path) -> tuple[dict, dict | None]:
    manifest = json.loads((Path(target) / "manifest.json").read_text())
    catalog_path = Path(target) / "catalog.json"
    catalog = json.loads(catalog_path.read_text()) if catalog_path.exists() else None
    return manifest, catalog


# dbt-docs' sidebar template binds its SVG icons with a plain `xlink:href="{{ getIcon(...) }}"`: before
# Angular interpolates it the browser requests the literal URL, which Chromium logs as a console error
# ("Unsafe attempt to load URL file:///.../%7B%7B%20getIcon..."). `ng-attr-href` is Angular's way to bind an
# attribute only once interpolated (SVG 2 `href` is what `xlink:href` became): the same icons, no error.
ICON_BINDING = ('xlink:href="{{ getIcon(', 'ng-attr-href="{{ getIcon(')
# Its favicon link is an unbuilt webpack `require(...)`: a request for a file that does not exist
# (net::ERR_FILE_NOT_FOUND in the console). An empty data: URL is a favicon that loads nothing.
FAVICON = ("href=\"${require('./assets/favicons/favicon.ico')}\"", 'href="data:,"')


def publish(target: Path, out: Path) -> Path:
    """Copy target/static_index.html to `out` (a folder: out/index.html), with dbt-docs' icon binding fixed
    (ICON_BINDING) and favicon (FAVICON), and return the file written."""
    source = Path(target) / "static_index.html"
    if not source.exists():
        raise FileNotFoundError(f"{source} not found: run `dbt docs generate --static` first")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    html = source.read_text(encoding="utf-8")
    (out / "index.html").write_text(html.replace(*ICON_BINDING).replace(*FAVICON), encoding="utf-8")
    return out / "index.html"
