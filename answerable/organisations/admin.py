from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from answerable.organisations.models import SignInProvider
from answerable.organisations.selectors import sign_in_provider_domains_taken
from answerable.organisations.services_sign_in import domains_taken_message, sign_in_provider_save


class SignInProviderForm(forms.ModelForm):
    class Meta:
        model = SignInProvider
        fields = [
            "organisation",
            "issuer",
            "client_id",
            "client_secret_variable",
            "email_domains",
            "accepts_provider_two_factor",
            "is_enabled",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The instance takes the form's values only after clean(): ask about the new ones.
        proposed = SignInProvider(pk=self.instance.pk, email_domains=data.get("email_domains", ""))
        taken = sign_in_provider_domains_taken(provider=proposed)
        if taken:
            self.add_error("email_domains", domains_taken_message(taken))
        return data


@admin.register(SignInProvider)
class SignInProviderAdmin(admin.ModelAdmin):
    """Organisations' own sign-in services (ADR 0016), set up by system administrators.

    Changes go through the audited service. A provider is switched off, never deleted, so
    the audit trail keeps what it refers to.
    """

    list_display = ["organisation", "issuer", "email_domains", "is_enabled"]
    list_select_related = ["organisation"]
    form = SignInProviderForm

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(
            request.user.is_active
            and request.user.is_staff
            and (
                getattr(request.user, "is_system_administrator", False) or request.user.is_superuser
            )
        )

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: SignInProvider, form: object, change: bool
    ) -> None:
        sign_in_provider_save(actor=request.user, provider=obj)  # type: ignore[arg-type]
