"""On PostgreSQL, a trigram GIN index backs the directory's text search (a LIKE '%word%' on
the folded search text, which a B-tree index cannot serve). pg_trgm is a trusted extension:
the database owner may create it. Other databases (SQLite) need nothing."""

from django.db import migrations

INDEX = "clusters_cluster_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON clusters_cluster "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clusters", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
