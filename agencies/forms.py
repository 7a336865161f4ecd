"""The head's management of the agency's members, by invitation."""

from django import forms
from django.utils.translation import gettext_lazy

from agencies.models import Membership


class InvitationForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    # The least powerful role first and chosen: more is given on purpose.
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=list(reversed(Membership.Role.choices)),
        initial=Membership.Role.VIEWER,
    )


class FirstHeadForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username of the agency's head"), max_length=150)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Membership.Role.choices)


class SecondFactorForm(forms.Form):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy("The six digits your authenticator app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
