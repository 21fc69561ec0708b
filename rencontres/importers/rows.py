"""Writing many new rows at once, for the bulk writer (:mod:`.writer`).

On PostgreSQL, rows go in through ``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy``):
the values are sent as they are, where Django's ``bulk_create`` (an ``INSERT … SELECT
FROM UNNEST(…)`` of one array per column) has psycopg quote every array, JSON
columns included, character by character in Python. Primary keys are taken from the
table's sequence first (:func:`reserve_ids`), so the objects have them as after
``bulk_create``. Elsewhere (SQLite) the same objects go through ``bulk_create``.

Each value is what ``bulk_create`` would have written: the field's ``pre_save()`` then
``get_db_prep_save()``.

:func:`search_index_rows` writes the search-index entries of new objects the way
modelsearch's PostgreSQL backend writes them (``PostgresIndex.add_items``), with each
field's searchable text read once per object instead of once per vector.
"""

from django.db import connections
from django.db.models.sql.subqueries import InsertQuery
from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresIndex,
)
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.utils import get_content_type_pk


def is_postgresql(using):
    return connections[using].vendor == "postgresql"


def reserve_ids(model, count, using):
    """``count`` new primary keys from ``model``'s table sequence (PostgreSQL)."""
    if not count:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, objs, fields, using):
    """``COPY`` the ``fields`` (concrete fields of ``model``'s table) of ``objs``."""
    if not objs:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    rows = [
        [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
        for obj in objs
    ]
    # Django's wrapper turns psycopg's errors into django.db's, as for any query.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def insert_new(model, objs, using):
    """Insert ``objs`` (new ``model`` instances, no parent table) with their primary
    keys set, as ``bulk_create`` does; returns them."""
    if not objs:
        return objs
    if not is_postgresql(using):
        return model._base_manager.using(using).bulk_create(objs)
    pk = model._meta.pk
    for obj, pk_value in zip(objs, reserve_ids(model, len(objs), using), strict=True):
        setattr(obj, pk.attname, pk_value)
    copy_rows(model, objs, model._meta.local_concrete_fields, using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs


# -- search index ----------------------------------------------------------------------


def writes_search_rows(backend, model):
    """Whether :func:`search_index_rows` writes ``model``'s entries for ``backend``."""
    index = backend.get_index_for_model(model)
    return type(index) is PostgresIndex and bool(model.get_search_fields())


class _Vectors:
    """The SQL of ``ObjectIndexer.as_vector()`` for one sequence of weights, compiled
    once by Django's compiler, with the texts left as parameters to fill in."""

    def __init__(self, backend, connection):
        self.backend = backend
        self.connection = connection
        self.compiler = InsertQuery(IndexEntry).get_compiler(connection=connection)
        self.field = IndexEntry._meta.get_field("body")
        self.shapes = {}

    def sql(self, texts, for_autocomplete=False):
        """``(sql, params)`` of the vector of ``texts`` (``[(text, weight), …]``)."""
        texts = [(text.strip(), weight) for text, weight in texts]
        texts = [(text, weight) for text, weight in texts if text]
        key = (tuple(weight for _text, weight in texts), for_autocomplete)
        shape = self.shapes.get(key)
        if shape is None:
            shape = self.shapes[key] = self._compile(key)
        sql, params, slots = shape
        params = list(params)
        for slot, (text, _weight) in zip(slots, texts, strict=True):
            params[slot] = text
        return sql, params

    def _compile(self, key):
        weights, for_autocomplete = key
        markers = [_Marker(position) for position in range(len(weights))]
        indexer = ObjectIndexer.__new__(ObjectIndexer)
        indexer.config = self.backend.config
        indexer.autocomplete_config = self.backend.autocomplete_config
        vector = indexer.as_vector(
            [(marker, weight) for marker, weight in zip(markers, weights, strict=True)],
            for_autocomplete=for_autocomplete,
        )
        value = self.compiler.prepare_value(self.field, vector)
        sql, params = value.as_sql(self.compiler, self.connection)
        slots = [params.index(marker) for marker in markers]
        return sql, params, slots


class _Marker(str):
    """A text of a vector being compiled: non-empty, and found again in the params."""

    def __new__(cls, position):
        return super().__new__(cls, f"\x00{position}")

    def strip(self):
        return self

    def __eq__(self, other):
        return self is other

    __hash__ = str.__hash__


def search_index_rows(backend, model, objs):
    """Write the search-index entries of ``objs`` (new) as ``backend.add_bulk(model,
    objs)`` would (modelsearch's PostgreSQL backend), reading each search field of
    each object once."""
    if not objs:
        return
    index = backend.get_index_for_model(model)
    connection = index.write_connection
    vectors = _Vectors(backend, connection)
    content_type_pk = get_content_type_pk(model)
    rows, params = [], []
    for obj in objs:
        indexer = ObjectIndexer(obj, backend)
        prepared = [
            prepared
            for search_field in indexer.search_fields
            for prepared in indexer.prepare_field(obj, search_field)
        ]
        title, body, autocomplete = [], [], []
        for current_field, weight, value in prepared:
            if isinstance(current_field, SearchField):
                if current_field.field_name == "title":
                    title.append((value, weight))
                else:
                    body.append((value, weight))
            elif isinstance(current_field, AutocompleteField):
                autocomplete.append((value, weight))
        sqls = []
        params.extend((content_type_pk, indexer.id))
        for texts, for_autocomplete in ((title, False), (autocomplete, True), (body, False)):
            sql, vector_params = vectors.sql(texts, for_autocomplete)
            sqls.append(sql)
            params.extend(vector_params)
        # The plain texts of fuzzy search, as ObjectIndexer.title_text / body_text.
        params.append(" ".join(text.strip() for text, _weight in title if text.strip()))
        params.append(" ".join(text.strip() for text, _weight in body if text.strip()))
        rows.append(f"(%s, %s, {sqls[0]}, {sqls[1]}, {sqls[2]}, 1.0, %s, %s)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {IndexEntry._meta.db_table} (content_type_id, object_id, title, "
            f"autocomplete, body, title_norm, title_text, body_text) (VALUES {', '.join(rows)}) "
            "ON CONFLICT (content_type_id, object_id) DO UPDATE SET title = EXCLUDED.title, "
            "title_norm = 1.0, autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
            "title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
            params,
        )
    index._refresh_title_norms()
