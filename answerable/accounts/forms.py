from django import forms
from django.utils.translation import gettext_lazy as _

from answerable.core.forms import PASSWORD_MAX_LENGTH


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": False}),
    )
    password = forms.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Security code"),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        max_length=16,
        error_messages={"required": _("Enter the security code")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": False}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip()


class PasswordSetForm(forms.Form):
    password = forms.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        label=_("New password"),
        strip=False,
        help_text=_("At least 12 characters. A few unrelated words is a good choice."),
        error_messages={"required": _("Enter a new password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        label=_("Confirm the new password"),
        strip=False,
        error_messages={"required": _("Enter the new password again")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        validate_password(password, self.user)  # type: ignore[arg-type]
        return password

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The passwords do not match"))
        return data


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The address you sign in with."),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
    )
