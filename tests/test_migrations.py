"""The migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from groups_app.extensions import db
from groups_app.library.services.search import is_search_object


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        # the catalogue's full-text index (migration 0013) is made outside the models on purpose
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": lambda name, kind, parents: not is_search_object(name)})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
