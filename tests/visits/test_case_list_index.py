"""The coordinator's list of cases reads its page in order from ix_cases_list_order (migration 0022)
instead of sorting every case of the program; on PostgreSQL its prepared (generic) plan does too."""
from __future__ import annotations

from sqlalchemy import text

from groups_app.extensions import db as _db
from groups_app.visits.services import case_list


def _ids_statement_sql(connection) -> str:
    """The list's choice of a page's ids (no filter), as the database receives it."""
    ids = case_list._chosen_cases(()).order_by(*case_list._ORDER).limit(25).offset(0)
    return str(ids.compile(connection, compile_kwargs={"literal_binds": True}))


def test_the_page_of_cases_is_read_from_the_index_in_order_not_sorted(db):
    with _db.engine.connect() as connection:
        sql = _ids_statement_sql(connection)
        if connection.dialect.name == "sqlite":
            plan = " | ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "ix_cases_list_order" in plan and "ORDER BY" not in plan, plan
            return
        # PostgreSQL chooses a sort for a handful of rows whatever the indexes; with sorting priced out, the
        # index is used exactly when its expressions match the statement's order. And as a prepared statement
        # planned once (what the app's connections keep, core/read_only_end.py), its limit and offset in its
        # text as the app sends them (core.sql.page_window).
        # (SET LOCAL: undone with the transaction; the prepared statement is dropped by hand, as the pooled
        # connection outlives the test.)
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        assert "LIMIT 25 OFFSET 0" in sql, sql
        connection.exec_driver_sql(f"PREPARE page_of_cases AS {sql}")
        try:
            plan = " | ".join(row[0] for row in connection.execute(text("EXPLAIN EXECUTE page_of_cases")))
        finally:
            connection.exec_driver_sql("DEALLOCATE page_of_cases")
        assert "ix_cases_list_order" in plan and "Sort" not in plan, plan


def test_the_index_holds_the_lists_order(db):
    with _db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            made = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ix_cases_list_order'").scalar_one()
        else:
            made = connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_cases_list_order'").scalar_one()
    assert "closed_on IS NOT NULL" in made and "opened_on DESC" in made and "id DESC" in made, made
