"""The head's management of the agency's members, by invitation."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy

from agencies.models import Membership


class InvitationForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username or e-mail address"), max_length=150)
    # The least powerful role first and chosen: more is given on purpose.
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=list(reversed(Membership.Role.choices)),
        initial=Membership.Role.VIEWER,
    )


class FirstHeadForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username or e-mail address of the agency's head"), max_length=150
    )


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


class JoinForm(UserCreationForm):
    """A person invited by e-mail makes their account: a username, their
    name, a password (the site's password rules)."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)

    class Meta(UserCreationForm.Meta):
        fields = ("username", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's own help texts have no Thai translation.
        self.fields["username"].help_text = gettext_lazy(
            "Up to 150 letters, digits and @ . + - _ — the name you will sign in with."
        )
        self.fields["password2"].help_text = gettext_lazy("Type the same password again.")

    def user_values(self) -> dict:
        data = self.cleaned_data
        return {
            "username": data["username"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "password": data["password1"],
        }
