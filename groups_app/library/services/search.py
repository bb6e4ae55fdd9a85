"""Catalogue search by the database's full-text index: her words made into a safe, ranked query.

The index itself is built by migration 0013: on SQLite an FTS5 table `books_fts` over the books'
title, authors, summary and subjects (external content, kept in step by three triggers); on
PostgreSQL a stored `tsvector` column `books.search_vector` with the `simple` configuration (no
stemming, so every language is split into words the same way) and a GIN index on it. Each index
also holds every Hebrew, Arabic or Amharic word without its prefix, so that the query asks for the
bare word alone: PostgreSQL's since migration 0020 (an SQL function, `search_forms(tsvector)`),
SQLite's since 0024 (its triggers call `search_forms(text)`, which is `bare_forms` below, registered
on every SQLite connection the app opens: a write to `books` from a connection without it, such as
the sqlite3 shell, fails with "no such function" rather than leave the index behind). Neither is
in the models: `is_search_object` tells the migration check (and autogenerate) to leave them be.
A later migration that rebuilds `books` in batch mode on SQLite drops the triggers with the old
table and must create them again (copy them from 0024, and the books' version's from 0026).
"""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import column, exists, func, literal_column, select, table

from ...core.sql import contains, contains_pattern
from ...extensions import db
from ...groups.models import Group
from ..models import Book

MAX_WORDS = 6
MAX_GROUP_NAME = 120  # as groups.name: longer text can match no group
FTS_TABLE = "books_fts"  # SQLite: the FTS5 table and its shadow tables books_fts_data, _idx, ...
PG_VECTOR = "search_vector"  # PostgreSQL: the stored column on books, and its index books_search
TITLE, AUTHORS, SUBJECTS, SUMMARY = 10.0, 4.0, 2.0, 1.0  # how much a word found in each counts

# A word is letters and digits; anything else she types (quotes, dashes, colons, NEAR, *, ^, &, |,
# !, parentheses) only separates words, so it can never become query syntax.
_WORD = re.compile(r"[^\W_]+")
_POINTS = re.compile("[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
# Hebrew and Arabic write some small words as part of the next one: "and", "the", "in", "to"...
# A word she types also finds them with these in front (לידה finds הלידה, رضاعة finds الرضاعة);
# Amharic likewise (ጡት finds የጡት, "of the breast"): both indexes hold each such word also without
# its prefix. Migrations 0020 (PostgreSQL) and 0024 (SQLite) keep a COPY of these tuples (a
# migration cannot import code that changes later), checked equal by
# tests/library/test_search_prefix_forms.py. Change them here and the indexes need a new migration.
_HEBREW_PREFIXES = ("ה", "ו", "ב", "ל", "מ", "ש", "כ", "וה", "וב", "ול", "ומ", "וש", "שה", "שב", "של", "מה", "בה", "לה")
_ARABIC_PREFIXES = ("ال", "وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف")
_AMHARIC_PREFIXES = ("የ", "በ", "ለ", "ከ", "እንደ", "ስለ")


def is_search_object(name: str | None) -> bool:
    """True for the index's tables, columns and indexes, which migration 0013 makes outside the models."""
    return bool(name) and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_") or name in (PG_VECTOR, "books_search"))


def words(text: str | None) -> list[str]:
    """Her words, lower case, without Hebrew vowel points or Arabic harakat (titles are written without)."""
    text = _POINTS.sub("", unicodedata.normalize("NFC", (text or "").lower()))
    return _WORD.findall(text)[:MAX_WORDS]


# Each script's prefixes, and the code points its letters lie between: a word is also indexed
# without a prefix only where what follows the prefix starts with a letter of the same script.
SCRIPTS = ((_HEBREW_PREFIXES, 0x0590, 0x05FF), (_ARABIC_PREFIXES, 0x0600, 0x06FF), (_AMHARIC_PREFIXES, 0x1200, 0x137F))


def bare_forms(text: str | None) -> str | None:
    """The text and, after it, each of its words that starts with a prefix of its script written
    again without it ("החלב של אמא" + " חלב"): what SQLite's index holds for a book's field
    (migration 0024's triggers call this as `search_forms`). Words as FTS5's unicode61 splits them:
    runs of letters and digits (it also splits at vowel points and harakat)."""
    if not text:
        return text
    bare = [word[len(prefix):] for word in _WORD.findall(text) for prefixes, first, last in SCRIPTS
            for prefix in prefixes
            if word.startswith(prefix) and len(word) > len(prefix) and first <= ord(word[len(prefix)]) <= last]
    return f"{text} {' '.join(bare)}" if bare else text


def register_sqlite_functions(dbapi_connection) -> None:
    """Called for every SQLite connection the app opens (see library/__init__.py)."""
    dbapi_connection.create_function("search_forms", 1, bare_forms, deterministic=True)


def fts5_query(text: str | None) -> str | None:
    """An FTS5 MATCH expression: every word, each as the start of a word (she may still be typing it),
    the bare word alone (the index holds each prefixed word also without its prefix, migration 0024:
    19 forms of a Hebrew word asked together took 1.0 ms at program scale, the bare one 0.33). Each
    word is a quoted string, so nothing she types is read as syntax."""
    return " AND ".join(f'"{word}"*' for word in words(text)) or None


def tsquery(text: str | None) -> str | None:
    """The same for PostgreSQL's `to_tsquery('simple', ...)`: every word a quoted lexeme with `:*`, the
    bare word alone. The index holds each prefixed word also without its prefix (migration 0020, with
    its own copy of the prefixes above), so `'חלב':*` alone finds החלב, which `'החלב':*` found before:
    one form where 19 made PostgreSQL test every book against the whole OR (5-6 ms at program scale,
    now under 1 by the GIN index)."""
    return " & ".join("('" + word.replace("'", "''") + "':*)" for word in words(text)) or None


def matching(query, text: str | None):
    """`query` (a select of Book) narrowed to books with all her words, best match first; None when she
    gave no word. Title words count most (bm25 column weights; ts_rank over weighted parts)."""
    dialect = db.session.get_bind().dialect.name
    wanted = query_text(text, dialect)
    return None if wanted is None else ranked(query, dialect, wanted)


def query_text(text: str | None, dialect: str) -> str | None:
    """Her words as the database's full-text query (`tsquery` on PostgreSQL, else `fts5_query`)."""
    return tsquery(text) if dialect == "postgresql" else fts5_query(text)


def ranked(query, dialect: str, wanted, *, keep_rank: bool = False):
    """`query` (a select from books) narrowed to the books that match `wanted`, a query text or a bound
    parameter that will carry one (a statement built once), best match first. With `keep_rank`, the
    rank is a column `rank` too, lower first on both databases, for a statement that orders again
    outside a subquery of this one."""
    books = Book.__table__
    if dialect == "postgresql":
        vector, asked = literal_column(f"books.{PG_VECTOR}"), func.to_tsquery("simple", wanted)
        rank = func.ts_rank(vector, asked)
        if keep_rank:  # -rank ascending is rank descending, ties by title and id as below
            lowest_first = (-rank).label("rank")
            return (query.add_columns(lowest_first).where(vector.op("@@")(asked))
                    .order_by(lowest_first, books.c.title, books.c.id))
        return query.where(vector.op("@@")(asked)).order_by(rank.desc(), books.c.title, books.c.id)
    # bm25 ranks inside a subquery of the FTS table alone: SQLite refuses it beside the page's window
    # count. Its weights follow the index's columns: title, authors, summary, subjects (lower is better).
    fts = table(FTS_TABLE, column("rowid"))
    rank = func.bm25(literal_column(FTS_TABLE), TITLE, AUTHORS, SUMMARY, SUBJECTS)
    hits = (select(fts.c.rowid.label("book_id"), rank.label("rank"))
            .where(literal_column(FTS_TABLE).op("MATCH")(wanted)).subquery("hits"))
    if keep_rank:
        query = query.add_columns(hits.c.rank.label("rank"))
    return query.join(hits, hits.c.book_id == books.c.id).order_by(hits.c.rank, books.c.title, books.c.id)


# ---- a group's name ------------------------------------------------------------------------------
# Group names are short, and a program has a few hundred: a contains test on lower(name) is enough, no index.

def group_name_pattern(text: str | None) -> str | None:
    """Her text as the bound `group_name` of `named_groups` (core.sql.contains_pattern)."""
    return contains_pattern(text, MAX_GROUP_NAME)


def named_groups():
    """The ids of the open groups whose name contains the bound pattern `group_name` (from
    `group_name_pattern`): a select to use inside another statement."""
    groups = Group.__table__
    return select(groups.c.id).where(groups.c.archived.is_(False), contains(groups.c.name, "group_name"))


def some_group_named():
    """True when some open group's name contains the bound pattern `group_name`."""
    return exists(named_groups())
