"""``__in`` on an integer column leaves out the numbers no such column can hold.

Django already does this for ``exact``, ``lt``, ``gt`` and the like (``IntegerFieldOverflow``): a number
past the column's range matches nothing instead of reaching the database. ``__in`` has no such rule, and
SQLite cannot even bind an integer past 64 bits (``OverflowError``): a multiple-choice answer, a list
of ids or an admin action posted with ``10**30`` in it answered 500 on SQLite. Registered for every
integer field (primary keys included) when the app loads.
"""

import copy

from django.db.models import IntegerField
from django.db.models.lookups import In


def _outside(value, low, high) -> bool:
    return isinstance(value, int) and ((low is not None and value < low) or (high is not None and value > high))


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def as_sql(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            kept = [value for value in self.rhs if not _outside(value, low, high)]
            if len(kept) != len(self.rhs):
                lookup = copy.copy(self)
                lookup.rhs = kept  # none left: EmptyResultSet, which matches no row
                return super(IntegerFieldIn, lookup).as_sql(compiler, connection)
        return super().as_sql(compiler, connection)
