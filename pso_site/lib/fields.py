"""Form fields that refuse, with the usual message, input Django's own
would turn into a server error: a signalling NaN in a number (it raises when
compared with the initial value), an id beyond the database's integer range
(SQLite raises OverflowError)."""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

BIGGEST_ID = 2**63 - 1


class FiniteDecimalField(forms.DecimalField):
    # As in the stubs, where DecimalField is an IntegerField that returns a Decimal.
    def to_python(self, value: object) -> Decimal | None:  # type: ignore[override]
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


# The forms' fields are generic in the stubs only: no type argument here.
class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def _check_values(self, value: Iterable[object]) -> QuerySet[Model]:
        for pk in value:
            if _beyond_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)  # type: ignore[misc,no-any-return]  # private: not in the stubs


def _beyond_range(value: object) -> bool:
    digits = re.fullmatch(r"-?0*([0-9]+)", str(value).strip())
    # Longer than the biggest id's 19 digits is beyond it (and too long to convert safely).
    return bool(digits) and (len(digits.group(1)) > 19 or int(digits.group(1)) > BIGGEST_ID)  # type: ignore[union-attr]


class BoundedModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def to_python(self, value: Any) -> Model | None:
        if value not in self.empty_values and _beyond_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
