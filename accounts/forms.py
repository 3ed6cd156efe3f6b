from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField

from core.countries import countries
from core.timezones import timezone_choices

from .adapter import refusal_applies
from .models import User
from .permissions import login_refusal


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (e-mail, password twice) plus who the applicant is and why they
    want an account: what staff need to moderate the sign-up."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=countries)
    requested_role = forms.ChoiceField(
        label=_("Role you are asking for"), choices=User.RequestedRole.choices,
        widget=forms.RadioSelect,
    )
    motivation = forms.CharField(
        label=_("Motivation"), max_length=1000,
        help_text=_("In a few sentences: who you are and how you will use the platform "
                    "(at most 1000 characters)."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
    )

    field_order = ["full_name", "email", "organisation", "country", "requested_role",
                   "motivation", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.fields["country"].choices = [("", _("Choose a country")), *list(countries)]

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Please enter your full name."))
        return name


class LoginForm(AllauthLoginForm):
    """Says plainly why a pending or rejected user cannot log in (after the password was
    checked, so it reveals nothing about addresses to someone who does not know it)."""

    def clean(self):
        cleaned = super().clean()
        user = self.user
        if user is not None and not self.errors and refusal_applies(
            user, cleaned.get("login")
        ):
            self.user = None
            raise ValidationError(login_refusal(user), code="not_approved")
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "organisation", "country", "language", "time_zone"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "time_zone": forms.Select(choices=timezone_choices),
        }


class ModerationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(User.Status.APPROVED, _("Approve")), (User.Status.REJECTED, _("Reject"))],
    )
    reason = forms.CharField(
        label=_("Reason (optional, sent to the applicant)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
