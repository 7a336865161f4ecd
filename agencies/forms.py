"""The head's management of the agency's members, by invitation."""

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Invitation, Membership
from pso_site.lib.text import TextProblem, clean_text


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
    name, a password (the site's password rules).

    A username that looks like an address, that an account has (in any
    case) or that a pending invitation names is refused with one message:
    the form tells nothing about which usernames exist, and nobody takes
    the name an invitation was made for."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)

    class Meta(UserCreationForm.Meta):
        fields = ("username", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's own help texts have no Thai translation.
        self.fields["username"].help_text = gettext_lazy(
            "Up to 150 letters, digits and . + - _ — the name you will sign in with."
        )
        self.fields["password2"].help_text = gettext_lazy("Type the same password again.")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if "@" in username:
            raise forms.ValidationError(_("A username cannot be an e-mail address: choose a name without @."))
        taken = (
            get_user_model().objects.filter(username__iexact=username).exists()
            or Invitation.objects.filter(username__iexact=username, status=Invitation.Status.PENDING).exists()
        )
        if taken:
            raise forms.ValidationError(_("This username cannot be used. Choose another one."))
        return username

    def _one_line(self, field: str) -> str:
        try:
            text = clean_text(self.cleaned_data[field], max_length=150)
        except TextProblem as problem:
            raise forms.ValidationError(problem.message) from None
        if "\n" in text or not text:
            raise forms.ValidationError(_("Type the name on one line."))
        return text

    def clean_first_name(self):
        return self._one_line("first_name")

    def clean_last_name(self):
        return self._one_line("last_name")

    def user_values(self) -> dict:
        data = self.cleaned_data
        return {
            "username": data["username"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "password": data["password1"],
        }


class CheckedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, whose old password is checked the way a
    sign-in is (django-axes' lock-out per address, the account's growing
    wait, the access log): a signed-in session is no way round them to
    guess the password."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old_password) is None:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
