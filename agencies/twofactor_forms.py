"""Forms of the two-step sign-in pages that change the second factor: who
is changing it (the password, and a code of the current second factor),
and for a new authenticator one of its codes."""

from django import forms
from django.utils.translation import gettext_lazy


class ChangeConfirmForm(forms.Form):
    """The password and, when the person has a second factor, a code from it
    or a recovery code. Either field is left out when it is not asked."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    current_code = forms.CharField(
        label=gettext_lazy("A code from your current authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, ask_password: bool = True, ask_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_password:
            del self.fields["password"]
        if not ask_code:
            del self.fields["current_code"]


class SetupForm(ChangeConfirmForm):
    """A code of the authenticator being set up, then who is setting it up."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy("The six digits your authenticator app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
    field_order = ["code", "password", "current_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "current_code" in self.fields:  # moving to a new phone: two apps, two codes
            self.fields["code"].label = gettext_lazy("A code from the new authenticator app")
