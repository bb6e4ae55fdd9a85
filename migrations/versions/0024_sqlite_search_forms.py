"""SQLite's catalogue index also holds each Hebrew, Arabic and Amharic word without its prefix

Revision ID: 0024
Revises: 0023

As PostgreSQL's has since 0020: the search asked SQLite for every prefixed form of each word she
typed (19 for a Hebrew word, ORed: 1.0 ms at program scale where the bare form alone takes 0.33),
and now asks for the bare word alone. The three triggers of 0013 are made again so that each field
goes into the FTS5 index through `search_forms(text)`: the text, then each of its words that starts
with a prefix of its script written again without it ("החלב של אמא" is indexed as
"החלב של אמא חלב"). A word w = p + r (p a prefix of w's script, r starting with a letter of that
script) is then found by `"q"*` exactly when `"p" + "q"*` found it before: w starts with p + q
exactly when r starts with q. Ranking may move a little (bm25 counts the added words).

`search_forms` is a Python function that the app registers on every SQLite connection it opens
(groups_app/library/services/search.py, `bare_forms`). This migration registers its own COPY on its
connection to fill the index with the books already there (a migration must not import app code
that may change later; tests/library/test_search_prefix_forms.py checks that the two agree). A write
to `books` from a connection without the function (the sqlite3 shell) fails with "no such
function: search_forms" and changes nothing. PostgreSQL: nothing to do.
"""
import re

from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

# A copy of search.py's SCRIPTS (prefixes, and the code points the rest of the word must start in).
HEBREW_PREFIXES = ("ה", "ו", "ב", "ל", "מ", "ש", "כ", "וה", "וב", "ול", "ומ", "וש", "שה", "שב", "של", "מה", "בה", "לה")
ARABIC_PREFIXES = ("ال", "وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف")
AMHARIC_PREFIXES = ("የ", "በ", "ለ", "ከ", "እንደ", "ስለ")
SCRIPTS = ((HEBREW_PREFIXES, 0x0590, 0x05FF), (ARABIC_PREFIXES, 0x0600, 0x06FF), (AMHARIC_PREFIXES, 0x1200, 0x137F))
_WORD = re.compile(r"[^\W_]+")


def search_forms(text):
    """A copy of search.py's bare_forms."""
    if not text:
        return text
    bare = [word[len(prefix):] for word in _WORD.findall(text) for prefixes, first, last in SCRIPTS
            for prefix in prefixes
            if word.startswith(prefix) and len(word) > len(prefix) and first <= ord(word[len(prefix)]) <= last]
    return f"{text} {' '.join(bare)}" if bare else text


FIELDS = "title, authors, summary, subjects"  # the FTS5 columns, in bm25's weight order (0013)


def _values(row: str, forms: bool) -> str:
    fields = [f"{row}.{name}" for name in ("title", "authors", "summary", "subjects")]
    return ", ".join([f"{row}.id"] + ([f"search_forms({field})" for field in fields] if forms else fields))


def _triggers(forms: bool) -> list[str]:
    old, new = _values("old", forms), _values("new", forms)
    return [
        f"CREATE TRIGGER books_fts_insert AFTER INSERT ON books BEGIN "
        f"INSERT INTO books_fts(rowid, {FIELDS}) VALUES ({new}); END",
        f"CREATE TRIGGER books_fts_delete AFTER DELETE ON books BEGIN "
        f"INSERT INTO books_fts(books_fts, rowid, {FIELDS}) VALUES ('delete', {old}); END",
        f"CREATE TRIGGER books_fts_update AFTER UPDATE OF {FIELDS} ON books BEGIN "
        f"INSERT INTO books_fts(books_fts, rowid, {FIELDS}) VALUES ('delete', {old}); "
        f"INSERT INTO books_fts(rowid, {FIELDS}) VALUES ({new}); END",
    ]


def _remake(forms: bool) -> None:
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS books_fts_{trigger}")
    for statement in _triggers(forms):
        op.execute(statement)
    op.execute("INSERT INTO books_fts(books_fts) VALUES ('delete-all')")  # the index, made again from the books
    if forms:
        op.execute(f"INSERT INTO books_fts(rowid, {FIELDS}) SELECT id, search_forms(title), search_forms(authors), "
                   f"search_forms(summary), search_forms(subjects) FROM books")
    else:
        op.execute("INSERT INTO books_fts(books_fts) VALUES ('rebuild')")  # 0013's index: the fields as they are


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.connection.driver_connection.create_function("search_forms", 1, search_forms, deterministic=True)
        _remake(forms=True)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _remake(forms=False)
