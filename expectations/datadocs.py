"""Great Expectations' Data Docs, made readable offline.

Data Docs pages load jQuery, Bootstrap, bootstrap-table, Font Awesome and Vega from CDNs;
offline the index lists no runs and the pass/fail icons are blank. `make_offline` copies the
same versions, shipped as package data in warehouse/assets/gx/ (from their npm packages, with
their licences), next to the pages and rewrites every CDN address to the local copy.
"""
from __future__ import annotations

import os
import re
import shutil
from importlib import resources
from pathlib import Path

# CDN address in the Data Docs templates -> file in warehouse/assets/gx/
CDN_TO_LOCAL = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": "bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": "bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": "bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "fontawesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed.min.js",
}
VENDOR = "static/vendor"
# The logo is fetched from a web-assets bucket: a local stand-in instead.
REMOTE_IMAGE = re.compile(r'src="https://great-expectations-web-assets[^"]*"')


def make_offline(docs_dir: Path) -> None:
    """Copy the assets into docs_dir/static/vendor and point every page at them."""
    assets = resources.files("warehouse").joinpath("assets", "gx")
    vendor = docs_dir / VENDOR
    with resources.as_file(assets) as src:
        shutil.copytree(src, vendor, dirs_exist_ok=True)
    for page in docs_dir.rglob("*.html"):
        text = page.read_text("utf-8")
        rel = os.path.relpath(vendor, page.parent).replace(os.sep, "/")
        for cdn, local in CDN_TO_LOCAL.items():
            text = text.replace(cdn, f"{rel}/{local}")
        text = REMOTE_IMAGE.sub(f'src="{rel}/logo.svg"', text)
        page.write_text(text, "utf-8")
