"""Static files with their content's hash in the address, kept a year by browsers and proxies.

`url_for('static', filename='style.css')` gives `/static/style.css?v=<hash>`: a changed file gets
a new address, so an unchanged one may be cached for good, and a phone on a weak connection does
not ask for the stylesheet again on every page. A hash is computed once per version of a file (its
size and modification time are checked, a stat, at most once every RECHECK_SECONDS per file: a stat
on every address made was a tenth of a millisecond on every page), so an edited stylesheet gets a
new address within seconds, without a restart.
"""
from __future__ import annotations

import hashlib
import os
import time

from flask import Flask, request

IMMUTABLE = "public, max-age=31536000, immutable"
RECHECK_SECONDS = 2.0


class StaticHashes:
    def __init__(self, folder: str, recheck_seconds: float = RECHECK_SECONDS):
        self.folder = folder
        self.recheck_seconds = recheck_seconds
        self._known: dict[str, tuple[int, int, str]] = {}
        self._checked: dict[str, float] = {}  # when each file's size and time were last looked at

    def version(self, filename: str) -> str | None:
        """A short hash of the file's content, or None for a file that is not there."""
        now = time.monotonic()
        known = self._known.get(filename)
        if known and now - self._checked.get(filename, -1e9) < self.recheck_seconds:
            return known[2]
        path = os.path.join(self.folder, filename)
        try:
            stat = os.stat(path)
        except (OSError, ValueError):
            return None
        self._checked[filename] = now
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 16), b""):
                digest.update(block)
        value = digest.hexdigest()[:12]
        self._known[filename] = (stat.st_mtime_ns, stat.st_size, value)
        return value


def init_app(app: Flask) -> None:
    if not app.static_folder:
        return
    hashes = StaticHashes(app.static_folder)
    app.extensions["groups_app.static_hashes"] = hashes
    for root, _dirs, files in os.walk(app.static_folder):  # at start, so that no request waits for a hash
        for name in files:
            hashes.version(os.path.relpath(os.path.join(root, name), app.static_folder))

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = hashes.version(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_for_a_year(response):
        if request.endpoint == "static" and response.status_code == 200:
            version = request.args.get("v")
            if version and version == hashes.version(request.view_args.get("filename", "")):
                response.headers["Cache-Control"] = IMMUTABLE
        return response
