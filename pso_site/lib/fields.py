"""Form fields that refuse, with the usual message, input Django's own
would turn into a server error: a signalling NaN in a number (it raises when
compared with the initial value), an id beyond the database's integer range
(SQLite raises OverflowError)."""

import re

from django import forms
from django.core.exceptions import ValidationError

BIGGEST_ID = 2**63 - 1


class FiniteDecimalField(forms.DecimalField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if _beyond_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def _beyond_range(value) -> bool:
    digits = re.fullmatch(r"-?0*([0-9]+)", str(value).strip())
    # Longer than the biggest id's 19 digits is beyond it (and too long to convert safely).
    return bool(digits) and (len(digits.group(1)) > 19 or int(digits.group(1)) > BIGGEST_ID)


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and _beyond_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
