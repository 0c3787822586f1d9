import zoneinfo
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm

from .models import User

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, label="Time zone")

    class Meta:
        model = User
        fields = ["display_name", "time_zone"]
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "Shown to the people you interview with."}


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with a display name: what the people you interview with see, so
    that they never see the part of your email before the @."""

    display_name = forms.CharField(
        max_length=80,
        label="Display name",
        help_text="Shown to the people you interview with, instead of your email.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["email", "display_name", "password1", "password2"]

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Enter the name people will see.")
        if any(not ch.isprintable() for ch in name):
            raise forms.ValidationError("Use letters, digits and punctuation only.")
        return name


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, checked through allauth's adapter: every failure counts in
    allauth's failed-login limits (per IP and per account, LOGIN_FAILED_RATE_LIMIT), and
    an account locked on either page is locked on both."""

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            # Raises "Too many failed login attempts" once the limit is reached.
            self.user_cache = get_adapter(self.request).authenticate(
                self.request, email=email, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
