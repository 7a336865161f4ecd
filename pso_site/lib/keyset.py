"""Keyset ("seek") pagination: a page is the rows after (or before) the sort
values of a row of the page before, not the rows after an OFFSET, so the
database reads a page's rows from its index whatever the page's depth
(docs/performance.md).

A link to a page carries a signed cursor: the sort values of the last row
shown (for "next") or the first (for "previous"), the direction and the
page's number for display. A cursor that was tampered with, is signed by an
older key, or was made for another sort is not an error: the list starts
again at its first page and says so (``KeysetPage.stale``).

The ordering must be total (its last term the primary key, added if
missing). Each term's NULLs are placed explicitly, where PostgreSQL puts
them by default (last when ascending, first when descending), so that SQLite
and PostgreSQL give the same order and the indexes still serve it; a term
that says where its NULLs go keeps its choice. The seek condition is built
for that placement: a page holds exactly the rows OFFSET paging of the same
ordering would, ties and NULLs included (tests/pso_site/test_keyset.py).
"""

import datetime
import decimal
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.core import signing
from django.core.exceptions import FieldError
from django.db.models import F, Max, Min, OrderBy, Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.sql.constants import LOUTER

SALT = "pso_site.lib.keyset"
FIRST, NEXT, PREVIOUS, LAST = "", "n", "p", "l"
ALIAS = "keyset_{}"


@dataclass(frozen=True)
class Term:
    """One term of the ordering: an expression, its direction, and whether
    its NULLs come first; ``nullable`` False when the column cannot be NULL
    (the seek condition then leaves out ``IS NULL``, which would keep
    PostgreSQL from using the index as a bound)."""

    expression: object
    descending: bool
    nulls_first: bool
    nullable: bool
    # NULL for want of a joined row (or of a JSON key): no index holds it.
    outer: bool = False

    def reversed(self) -> "Term":
        return replace(self, descending=not self.descending, nulls_first=not self.nulls_first)


@dataclass
class KeysetPage:
    object_list: list[Any]  # rows of any model
    number: int
    count: int
    page_size: int
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    last_cursor: str = ""
    stale: bool = False

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def terms_of(queryset: QuerySet[Any]) -> list[Term]:
    """The queryset's ordering as explicit terms, the primary key last."""
    terms = []
    for item in queryset.query.order_by or queryset.model._meta.ordering:
        if isinstance(item, str):
            descending = item.startswith("-")
            item = OrderBy(F(item.lstrip("-")), descending=descending)
        elif not isinstance(item, OrderBy):
            item = OrderBy(item)  # type: ignore[arg-type]  # an expression: the stubs allow any Combinable
        nulls_first = item.nulls_first if (item.nulls_first or item.nulls_last) else item.descending
        terms.append(Term(item.expression, item.descending, bool(nulls_first), *_nullable(queryset, item)))
    if not terms or not _is_pk(terms[-1].expression):
        terms.append(Term(F("pk"), False, False, False))
    return terms


def _is_pk(expression: object) -> bool:
    return isinstance(expression, F) and expression.name in ("pk", "id")


def _nullable(queryset: QuerySet[Any], order_by: OrderBy) -> tuple[bool, bool]:
    """Whether the term can be NULL (a nullable column, or one reached
    through an outer join: a reverse one-to-one, a nullable foreign key),
    and whether its NULLs come from the outer join. Anything but a plain
    column is taken as both."""
    query = queryset.query.clone()
    try:
        resolved = order_by.expression.resolve_expression(query, allow_joins=True)
    except FieldError:
        return True, True
    if not isinstance(resolved, Col):
        return True, True
    outer = getattr(query.alias_map.get(resolved.alias), "join_type", None) == LOUTER
    return bool(resolved.target.null or outer), outer


def _order(terms: list[Term]) -> list[OrderBy]:
    return [
        OrderBy(
            F(ALIAS.format(i)),
            descending=term.descending,
            nulls_first=term.nulls_first or None,
            nulls_last=(not term.nulls_first) or None,
        )
        for i, term in enumerate(terms)
    ]


def _greater(term: Term, name: str, value: object, *, inclusive: bool = False) -> Q | None:
    """Rows whose term comes after ``value`` (or at it, if inclusive) in the
    term's order; None when no row can."""
    null_rows = Q(**{f"{name}__isnull": True})
    if value is None:
        if inclusive:
            return null_rows if not term.nulls_first else None  # None: no bound
        return ~null_rows if term.nulls_first else None
    lookup = ("lt" if term.descending else "gt") + ("e" if inclusive else "")
    after = Q(**{f"{name}__{lookup}": value})
    return after | null_rows if term.nullable and not term.nulls_first else after


def _equal(name: str, value: object) -> Q:
    return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})


def seek_condition(terms: list[Term], values: list[object], *, start: int = 0) -> Q:
    """Rows strictly after the row whose sort values are ``values``:
    a > x OR (a = x AND (b > y OR (b = y AND pk > z))), each comparison
    read in its term's direction and NULL placement, with a leading a >= x
    that PostgreSQL uses as the bound of an index scan. ``terms`` may be
    the ordering's terms from the ``start``-th on."""
    condition = None
    for i in reversed(range(len(terms))):
        name = ALIAS.format(start + i)
        after = _greater(terms[i], name, values[i])
        tied = _equal(name, values[i]) & condition if condition is not None else None
        parts = [part for part in (after, tied) if part is not None]
        condition = parts[0] if len(parts) == 1 else (parts[0] | parts[1]) if parts else None
    if condition is None:
        return Q(pk__in=[])
    bound = _greater(terms[0], ALIAS.format(start), values[0], inclusive=True)
    return condition & bound if bound is not None else condition


def encode(value: object) -> object:
    """A sort value as JSON (the cursor is signed, so tags are trusted)."""
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"dec": str(value)}
    return value


def decode(value: object) -> object:
    if isinstance(value, dict):
        (tag, text), *_rest = value.items()
        parse = {
            "dt": datetime.datetime.fromisoformat,
            "d": datetime.date.fromisoformat,
            "dec": decimal.Decimal,
        }[tag]
        return parse(text)  # type: ignore[operator]  # mypy joins the three to object
    return value


def make_cursor(*, key: str, direction: str, number: int, values: list[object] | None = None) -> str:
    payload = {"k": key, "d": direction, "n": number}
    if values is not None:
        payload["v"] = [encode(value) for value in values]
    return signing.dumps(payload, salt=SALT, compress=True)


def read_cursor(cursor: str, *, key: str, width: int) -> dict[str, Any] | None:
    """The cursor's payload, or None if it is not one this list made."""
    try:
        payload: dict[str, Any] = signing.loads(cursor, salt=SALT)
        direction, number = payload["d"], payload["n"]
        if payload["k"] != key or direction not in (NEXT, PREVIOUS, LAST) or type(number) is not int:
            return None
        if direction != LAST:
            payload["v"] = [decode(value) for value in payload["v"]]
            if len(payload["v"]) != width:
                return None
        return payload
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError, decimal.InvalidOperation):
        return None


def _next_lead(leads: QuerySet[Any], lead: Term, value: object) -> object:
    """The leading term's next value after ``value`` (its first without one),
    read from ``leads``: the rows without the other terms' joins."""
    name = ALIAS.format(0)
    after = leads.filter(_greater(lead, name, value)) if value is not None else leads
    return after.aggregate(value=(Max if lead.descending else Min)(lead.expression))["value"]


# Values of the leading term read one at a time on one page; the rest of the
# page, if it needs more (data with many values of it), is read at once.
BANDS_PER_PAGE = 2


def banded_rows_after(
    keyed: QuerySet[Any], leads: QuerySet[Any], terms: list[Term], values: list[object] | None, limit: int
) -> list[Any]:
    """``rows_after`` for an ordering whose leading term has few values (a
    fiscal year) and the next terms an index across a join (the agency's
    name): one value of the leading term at a time, each read in the order
    of the next terms from their index, rather than every row sorted at
    once. A query for the leading value to start from, one per value read;
    at most six queries for a page."""
    lead, name = terms[0], ALIAS.format(0)
    value = values[0] if values is not None else _next_lead(leads, lead, None)
    rest = values[1:] if values is not None else None
    rows: list[Any] = []
    for _band in range(BANDS_PER_PAGE):
        if value is None or len(rows) >= limit:
            return rows
        band = keyed.filter(**{name: value})
        if rest is not None:
            band = band.filter(seek_condition(terms[1:], rest, start=1))
        rows += list(band.order_by(*_order(terms)[1:])[: limit - len(rows)])
        if len(rows) < limit:
            value, rest = _next_lead(leads, lead, value), None
    if value is not None and len(rows) < limit:
        remaining = keyed.filter(_greater(lead, name, value, inclusive=True)).order_by(*_order(terms))
        rows += list(remaining[: limit - len(rows)])
    return rows


def rows_after(
    keyed: QuerySet[Any],
    terms: list[Term],
    values: list[object] | None,
    limit: int,
    *,
    leads: QuerySet[Any] | None = None,
) -> list[Any]:
    """Up to ``limit`` rows after the row with sort values ``values`` (from
    the start when None), in the order of ``terms``.

    When the leading term can be NULL and its NULLs come after the rows it
    is at, "x >= value OR x IS NULL" would keep PostgreSQL from bounding an
    index scan with it (it reads the index from its start and filters:
    a cost that grows with depth again). So the rows with a value are read
    first, with a plain bound, and the NULLs after them only when the
    values run out: a second query on the page where they meet."""
    if not limit:
        return []
    lead, name = terms[0], ALIAS.format(0)
    if leads is not None and not lead.nullable and len(terms) > 1:
        return banded_rows_after(keyed, leads, terms, values, limit)
    at_nulls = values is not None and values[0] is None
    if lead.nullable and lead.outer and lead.nulls_first and (values is None or at_nulls):
        # NULLs first, from an outer join: they are in no index, so
        # sorting them with the values would sort every row. The NULLs
        # first (in the order of the other terms: the first is NULL
        # throughout), then the values from their start.
        nulls = keyed.filter(**{f"{name}__isnull": True})
        if values is not None:
            nulls = nulls.filter(seek_condition(terms[1:], values[1:], start=1))
        rows = list(nulls.order_by(*_order(terms)[1:])[:limit])
        if len(rows) < limit:
            with_value = keyed.filter(**{f"{name}__isnull": False}).order_by(*_order(terms))
            rows += list(with_value[: limit - len(rows)])
        return rows
    if not (lead.nullable and not lead.nulls_first and not at_nulls):
        found = keyed.filter(seek_condition(terms, values)) if values is not None else keyed
        return list(found.order_by(*_order(terms))[:limit])
    with_value = keyed.filter(**{f"{name}__isnull": False})
    if values is not None:
        with_value = with_value.filter(seek_condition([replace(lead, nullable=False), *terms[1:]], values))
    rows = list(with_value.order_by(*_order(terms))[:limit])
    if len(rows) < limit:
        nulls = keyed.filter(**{f"{name}__isnull": True}).order_by(*_order(terms)[1:])
        rows += list(nulls[: limit - len(rows)])
    return rows


def _keyed(queryset: QuerySet[Any], terms: list[Term]) -> QuerySet[Any]:
    """The queryset with each sort term's value as an annotation to seek by."""
    return queryset.annotate(**{ALIAS.format(i): term.expression for i, term in enumerate(terms)})


def _values(row: object, terms: list[Term]) -> list[object]:
    """A row's sort values (a cursor's ``values``)."""
    return [getattr(row, ALIAS.format(i)) for i in range(len(terms))]


def paginate(
    queryset: QuerySet[Any],
    cursor: str,
    *,
    page_size: int,
    key: str,
    count: int | None = None,
    banded: bool = False,
) -> KeysetPage:
    """The page of the ordered ``queryset`` that ``cursor`` points to (the
    first page without one). ``key`` names the ordering (a cursor made for
    another is stale); ``count`` the rows in all, if already known. Two
    queries, the count and the page; three on the page where a leading
    term's values give way to its NULLs (``rows_after``). ``banded``: the
    leading term has few values, read one at a time (``banded_rows_after``)."""
    terms = terms_of(queryset)
    if count is None:
        count = queryset.count()
    payload = read_cursor(cursor, key=key, width=len(terms)) if cursor else None
    stale = bool(cursor) and payload is None
    keyed = _keyed(queryset, terms)
    direction = payload["d"] if payload else FIRST
    leads = queryset.alias(**{ALIAS.format(0): terms[0].expression}) if banded else None
    num_pages = max(1, math.ceil(count / page_size))
    # A direction other than FIRST was read from ``payload``: it is set there.
    if direction == LAST:
        size = count - (num_pages - 1) * page_size
        rows = rows_after(keyed, [t.reversed() for t in terms], None, max(size, 0), leads=leads)[::-1]
        number, has_previous, has_next = num_pages, num_pages > 1, False
    elif direction == PREVIOUS:
        found = rows_after(keyed, [t.reversed() for t in terms], payload["v"], page_size + 1, leads=leads)  # type: ignore[index]
        has_previous = len(found) > page_size
        rows = found[:page_size][::-1]
        number = max(2, payload["n"]) if has_previous else 1  # type: ignore[index]
        has_next = True
        if not has_previous and len(rows) < page_size:
            # Fewer rows before the cursor than a page (the data changed
            # since the link was made): the first page, whole.
            found = rows_after(keyed, terms, None, page_size + 1, leads=leads)
            rows, has_next = found[:page_size], len(found) > page_size
    else:
        found = rows_after(keyed, terms, payload["v"] if payload else None, page_size + 1, leads=leads)
        has_next = len(found) > page_size
        rows = found[:page_size]
        number = payload["n"] if direction == NEXT else 1  # type: ignore[index]
        has_previous = direction == NEXT
    number = max(1, min(number, num_pages))

    page = KeysetPage(rows, number, count, page_size, has_next, has_previous, stale=stale)
    if rows and has_next:
        page.next_cursor = make_cursor(
            key=key, direction=NEXT, number=number + 1, values=_values(rows[-1], terms)
        )
        page.last_cursor = make_cursor(key=key, direction=LAST, number=num_pages)
    if rows and has_previous:
        page.previous_cursor = make_cursor(
            key=key, direction=PREVIOUS, number=number - 1, values=_values(rows[0], terms)
        )
    return page


def cursor_for_page(queryset: QuerySet[Any], number: int, *, page_size: int, key: str) -> str:
    """The cursor of page ``number`` (from 2) as OFFSET paging counts pages:
    for tests and benches, which jump to a depth without walking to it."""
    terms = terms_of(queryset)
    row = _keyed(queryset, terms).order_by(*_order(terms))[(number - 1) * page_size - 1]
    return make_cursor(key=key, direction=NEXT, number=number, values=_values(row, terms))
