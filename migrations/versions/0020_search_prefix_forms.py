"""The catalogue's search vector (PostgreSQL) also holds each Hebrew, Arabic and Amharic word without its prefix

Revision ID: 0020
Revises: 0019

Hebrew and Arabic write some small words as part of the next one ("the", "and", "in"...), Amharic
likewise ("of"): a search for חלב must find החלב. The search used to ask for every prefixed form
(`'חלב':* | 'החלב':* | 'וחלב':* | ...`, 19 forms for a Hebrew word), and PostgreSQL then tested each
of the 5,000 books against the whole OR (6 ms at program scale, where one form takes 1). Now the
index holds, for every word w = p + r (p one of the prefixes of w's script, r not empty and starting
with a letter of that script), the form r too, at w's positions and with w's weight; so the search
asks for the bare word alone (`'חלב':*`) and finds exactly the books it found before: w starts with
p + q exactly when r starts with q. Ranking may move a little (ts_rank counts the forms differently).

`search_forms(tsvector)` adds those forms to 0013's vector (so the words are exactly the lexemes the
`simple` configuration keeps); the generated column is dropped and added again with it, and its GIN
index with it. SQLite is left as it is: its FTS5 query keeps asking for the prefixed forms.

The prefixes are a COPY of those in groups_app/library/services/search.py (a migration must not import
app code that may change later): tests/library/test_search_prefix_forms.py checks that the two agree.
If they change there, write a new migration that replaces the function (CREATE OR REPLACE) and
recomputes the column (e.g. `UPDATE books SET title = title`).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

# A copy of search.py's _HEBREW_PREFIXES, _ARABIC_PREFIXES, _AMHARIC_PREFIXES, and the code points of
# the script a word must start with (search.py's _forms) for its prefixed forms to be asked for.
HEBREW_PREFIXES = ("ה", "ו", "ב", "ל", "מ", "ש", "כ", "וה", "וב", "ול", "ומ", "וש", "שה", "שב", "של", "מה", "בה", "לה")
ARABIC_PREFIXES = ("ال", "وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف")
AMHARIC_PREFIXES = ("የ", "በ", "ለ", "ከ", "እንደ", "ስለ")
SCRIPTS = ((HEBREW_PREFIXES, 0x0590, 0x05FF), (ARABIC_PREFIXES, 0x0600, 0x06FF), (AMHARIC_PREFIXES, 0x1200, 0x137F))

_PREFIXES = ", ".join(f"('{prefix}', {first}, {last})" for prefixes, first, last in SCRIPTS for prefix in prefixes)
# Every lexeme as it is, and beside it each form without a prefix, with the same positions and weights;
# written out as tsvector text, whose input merges a form that is also a word of its own.
FUNCTION = rf"""
CREATE FUNCTION search_forms(vector tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT coalesce(string_agg(
         '''' || replace(replace(form, '\', '\\'), '''', '''''') || ''''
         || coalesce(':' || nullif(array_to_string(
              ARRAY(SELECT p || w FROM unnest(positions, weights) AS at(p, w)), ','), ''), ''),
         ' '), '')::tsvector
FROM (
  SELECT lexeme AS form, positions, weights FROM unnest(vector)
  UNION ALL
  SELECT substr(lexeme, length(prefix) + 1), positions, weights
  FROM unnest(vector) JOIN (VALUES {_PREFIXES}) AS prefixes(prefix, first, last)
    ON left(lexeme, length(prefix)) = prefix
   AND ascii(substr(lexeme, length(prefix) + 1, 1)) BETWEEN first AND last
) AS forms
$$"""

VECTOR_0013 = ("setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
               "setweight(to_tsvector('simple', coalesce(authors, '')), 'B') || "
               "setweight(to_tsvector('simple', replace(coalesce(subjects, ''), ',', ' ')), 'C') || "
               "setweight(to_tsvector('simple', coalesce(summary, '')), 'D')")


def _rebuild(vector: str) -> None:
    op.execute("DROP INDEX IF EXISTS books_search")
    op.execute("ALTER TABLE books DROP COLUMN IF EXISTS search_vector")
    op.execute(f"ALTER TABLE books ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED")
    op.execute("CREATE INDEX books_search ON books USING gin (search_vector)")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)
        _rebuild(f"search_forms({VECTOR_0013})")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(VECTOR_0013)  # 0013's column and index
        op.execute("DROP FUNCTION IF EXISTS search_forms(tsvector)")
