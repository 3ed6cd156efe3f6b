"""PostgreSQL only: unaccent, the two text-search configurations the index uses and the GIN
index on the vector. On SQLite this migration does nothing (the fallback needs none of it).

`ro_unaccent` is a copy of `romanian` whose word mappings run unaccent, then the Romanian
stemmer: "sedinta", "ședință" and "şedinţă" (cedilla) give the same lexeme. `en_unaccent` does
the same with the English stemmer."""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS ro_unaccent;
CREATE TEXT SEARCH CONFIGURATION ro_unaccent (COPY = romanian);
ALTER TEXT SEARCH CONFIGURATION ro_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, romanian_stem;
DROP TEXT SEARCH CONFIGURATION IF EXISTS en_unaccent;
CREATE TEXT SEARCH CONFIGURATION en_unaccent (COPY = english);
ALTER TEXT SEARCH CONFIGURATION en_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE INDEX IF NOT EXISTS search_entry_vector_gin ON search_searchentry USING GIN (vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS search_entry_vector_gin;
DROP TEXT SEARCH CONFIGURATION IF EXISTS ro_unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS en_unaccent;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
