"""Starter leaflets from library/leaflets/<slug>/<lang>.md: created, or updated when a file changed."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ..core.i18n import LANGUAGES
from ..extensions import db
from ..groups.models import Topic
from . import markdown
from .models import Leaflet, LeafletTranslation
from .services import SUBJECTS, _publish, source_number


@dataclass
class Report:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] | None = None


def parse(path: Path) -> tuple[dict[str, str], str]:
    """Front matter (key: value lines between --- lines) and the Markdown body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    head, _, body = text[4:].partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    return meta, body.strip()


def import_leaflets(folder: Path) -> Report:
    """Publish each file's text as a new revision when it differs from what is published. Commits."""
    report = Report(problems=[])
    if not folder.is_dir():
        return report
    topics = {t.slug: t for t in db.session.scalars(select(Topic))}
    for directory in sorted(p for p in folder.iterdir() if p.is_dir()):
        slug = directory.name
        versions = {}
        for path in sorted(directory.glob("*.md")):
            if path.stem not in LANGUAGES:
                continue
            try:
                meta, body = parse(path)
                markdown.problems(body)
                if not meta.get("title"):
                    raise ValueError("no title")
            except Exception as error:  # noqa: BLE001 - report the file and go on with the others
                report.problems.append(f"{path}: {getattr(error, 'message', error)}")
                continue
            versions[path.stem] = (meta, body)
        if not versions:
            continue
        source_language = "en" if "en" in versions else sorted(versions)[0]
        leaflet = db.session.scalar(select(Leaflet).where(Leaflet.slug == slug))
        meta = versions[source_language][0]
        if leaflet is None:
            leaflet = Leaflet(slug=slug, source_language=source_language)
            db.session.add(leaflet)
        leaflet.subjects = ",".join(s.strip() for s in meta.get("subjects", "").split(",") if s.strip() in SUBJECTS)
        leaflet.topics = [topics[t.strip()] for t in meta.get("topics", "").split(",") if t.strip() in topics]
        db.session.flush()
        order = [source_language] + sorted(code for code in versions if code != source_language)
        for code in order:
            file_meta, body = versions[code]
            translation = leaflet.translation(code)
            if translation is not None and translation.published is not None and (
                    translation.published.title, translation.published.body) == (file_meta["title"], body):
                report.unchanged += 1
                continue
            if translation is None:
                translation = LeafletTranslation(language=code, title=file_meta["title"], body=body)
                leaflet.translations.append(translation)
                report.added += 1
            else:
                report.updated += 1
            translation.title, translation.body = file_meta["title"], body
            translation.source_number = None if code == source_language else source_number(leaflet)
            db.session.flush()
            _publish(translation, None)
    db.session.commit()
    return report
