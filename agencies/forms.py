"""The head's management of the agency's members, by invitation."""

import re

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, Invitation, Membership, agency_code_suggested
from agencies.provinces import PROVINCES
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


USERNAME_CHARACTERS = re.compile(r"[A-Za-z0-9.+_-]+")


def _username_taken(username: str) -> bool:
    return (
        get_user_model().objects.filter(username__iexact=username).exists()
        or Invitation.objects.filter(username__iexact=username, status=Invitation.Status.PENDING).exists()
    )


def username_from_address(address: str) -> str:
    """A free username made from an address's name part (``somsri`` for
    somsri@lampang.go.th, then ``somsri2`` …), for a person who left it empty."""
    base = "".join(USERNAME_CHARACTERS.findall(address.split("@", 1)[0]))[:140] or "member"
    username, number = base, 1
    while _username_taken(username):
        number += 1
        username = f"{base}{number}"
    return username


class JoinForm(UserCreationForm):
    """A person invited by e-mail makes their account: their name (a Thai
    name is a name, typed in the name fields), a password (the site's
    password rules) and, if they wish, a username — else one is made from
    their address; they may always sign in with the address itself.

    A username that looks like an address, that an account has (in any
    case) or that a pending invitation names is refused with one message:
    the form tells nothing about which usernames exist, and nobody takes
    the name an invitation was made for."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)

    class Meta(UserCreationForm.Meta):
        fields = ("first_name", "last_name", "username")

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["username"].required = False
        self.fields["username"].label = gettext_lazy("Username (optional)")
        # Django's own help texts have no Thai translation.
        self.fields["username"].help_text = gettext_lazy(
            "English letters, digits and . + - _ (your Thai name goes in the name fields above). "
            "Left empty, one is made from your e-mail address; you can always sign in with the address."
        )
        self.fields["password2"].help_text = gettext_lazy("Type the same password again.")

    def clean_username(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if not username:
            return username_from_address(self.email)
        if "@" in username:
            raise forms.ValidationError(_("A username cannot be an e-mail address: choose a name without @."))
        if not USERNAME_CHARACTERS.fullmatch(username):
            raise forms.ValidationError(
                _(
                    "A username uses English letters, digits and . + - _ only; your Thai name goes in "
                    "the name fields. Or leave it empty."
                )
            )
        if _username_taken(username):
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


class AgencyForm(forms.ModelForm):
    """A new agency, as the standards administrator knows it: its Thai name
    first, what kind it is and under which ministry or department, its
    province; the code in its web addresses is suggested when left empty.
    Its first head may be invited at once."""

    province = forms.ChoiceField(
        label=gettext_lazy("Province"), choices=[("", "—"), *[(p, p) for p in PROVINCES]], required=False
    )
    head_email = forms.EmailField(
        label=gettext_lazy("E-mail address of the agency's head (optional)"),
        required=False,
        help_text=gettext_lazy(
            "The invitation takes effect when another standards administrator confirms it; "
            "the link is then sent to this address."
        ),
    )

    class Meta:
        model = Agency
        fields = ["name_th", "name_en", "kind", "parent", "province", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = False
        self.fields["name_th"].error_messages["required"] = _("Type the agency's name in Thai.")
        self.fields["parent"].queryset = Agency.objects.filter(
            kind__in=[Agency.Kind.MINISTRY, Agency.Kind.DEPARTMENT]
        ).order_by("kind", "name_th")
        self.fields["parent"].label = gettext_lazy("Ministry or department it belongs to")
        self.fields["code"].required = False
        self.fields["code"].help_text = gettext_lazy(
            "Used in the agency's web addresses: English letters, digits and hyphens (for example "
            "lampang-po). Leave it empty and one is made for you."
        )
        self.fields["code"].error_messages["invalid"] = _(
            "Use English letters, digits and hyphens only (for example lampang-po), or leave it empty."
        )
        self.fields["code"].error_messages["unique"] = _("Another agency has this code: choose another one.")

    def _clean_text(self, field: str) -> str:
        try:
            return clean_text(self.cleaned_data.get(field) or "", max_length=300)
        except TextProblem as problem:
            raise forms.ValidationError(problem.message) from None

    def clean_name_th(self):
        name = self._clean_text("name_th")
        if not name:
            raise forms.ValidationError(_("Type the agency's name in Thai."))
        return name

    def clean_name_en(self):
        return self._clean_text("name_en")

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().lower() or agency_code_suggested()


def username_for_address(address: str) -> str | None:
    """The username of the one active account with this e-mail address
    (None when no account has it, or several do)."""
    usernames = list(
        get_user_model()
        .objects.filter(email__iexact=address.strip(), is_active=True)
        .values_list("username", flat=True)[:2]
    )
    return usernames[0] if len(usernames) == 1 else None


class SignInForm(AuthenticationForm):
    """Sign in with a username or the account's e-mail address: an address
    is turned into its account's username before the password is checked,
    so that the lock-outs and waits count one account, however it is named."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("Username or e-mail address")

    def clean(self):
        typed = self.cleaned_data.get("username") or ""
        if "@" in typed and not get_user_model().objects.filter(username=typed).exists():
            self.cleaned_data["username"] = username_for_address(typed) or typed
        return super().clean()
