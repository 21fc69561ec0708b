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

    def texts(self, texts, for_autocomplete=False):
        """``(shape, [text, …])`` of the vector of ``texts`` (``[(text, weight), …]``):
        what ``as_vector()`` keeps of them (stripped, the empty ones left out)."""
        texts = [(text.strip(), weight) for text, weight in texts]
        texts = [(text, weight) for text, weight in texts if text]
        shape = (tuple(weight for _text, weight in texts), for_autocomplete)
        return shape, [text for text, _weight in texts]

    def sql(self, shape, columns):
        """``(sql, params)`` of the vector of ``shape`` with its texts read from the SQL
        expressions ``columns``."""
        compiled = self.shapes.get(shape)
        if compiled is None:
            compiled = self.shapes[shape] = self._compile(shape)
        sql, params, slots = compiled
        pieces = sql.split("%s")
        if len(pieces) != len(params) + 1:
            raise ValueError(f"Unexpected SQL for a search vector: {sql}")
        texts = dict(zip(slots, columns, strict=True))
        parts, kept = [pieces[0]], []
        for position, param in enumerate(params):
            if position in texts:
                parts.append(texts[position])
            else:
                parts.append("%s")
                kept.append(param)
            parts.append(pieces[position + 1])
        return "".join(parts), kept

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
    # Rows grouped by the shape of their three vectors: one INSERT … SELECT FROM
    # unnest(…) per shape, the texts sent as arrays (one short statement, not one
    # parameter per text in a statement as long as the batch).
    groups = {}
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
        shapes, values = [], [indexer.id]
        for texts, for_autocomplete in ((title, False), (autocomplete, True), (body, False)):
            shape, kept = vectors.texts(texts, for_autocomplete)
            shapes.append(shape)
            values.extend(kept)
        # The plain texts of fuzzy search, as ObjectIndexer.title_text / body_text.
        values.append(" ".join(text.strip() for text, _weight in title if text.strip()))
        values.append(" ".join(text.strip() for text, _weight in body if text.strip()))
        groups.setdefault(tuple(shapes), []).append(values)
    with connection.cursor() as cursor:
        for shapes, rows in groups.items():
            columns = [f"u.c{position}" for position in range(len(rows[0]))]
            sqls, params = [], [content_type_pk]
            taken = 1  # u.c0: the object id
            for shape in shapes:
                count = len(shape[0])
                sql, vector_params = vectors.sql(shape, columns[taken : taken + count])
                sqls.append(sql)
                params.extend(vector_params)
                taken += count
            params.extend([list(column) for column in zip(*rows, strict=True)])
            arrays = ", ".join(["%s::text[]"] * len(columns))
            names = ", ".join(column.removeprefix("u.") for column in columns)
            # Table, column names and the compiled vectors; every value is a parameter.
            statement = (
                f"INSERT INTO {IndexEntry._meta.db_table} (content_type_id, object_id, title, "  # noqa: S608
                "autocomplete, body, title_norm, title_text, body_text) "
                f"SELECT %s, u.c0, {sqls[0]}, {sqls[1]}, {sqls[2]}, 1.0, {columns[-2]}, "
                f"{columns[-1]} FROM unnest({arrays}) AS u({names}) "
                "ON CONFLICT (content_type_id, object_id) DO UPDATE SET title = EXCLUDED.title, "
                "title_norm = 1.0, autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
                "title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text"
            )
            cursor.execute(statement, params)
    index._refresh_title_norms()
