from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import is_approved
from documents.models import Document

from .models import Membership


class DocumentFilterForm(forms.Form):
    """The group space's document filter (GET); invalid values are ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Document.Status.choices])
    search = forms.CharField(label=_("Search"), required=False, max_length=200)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": None, "search": ""}
        return {"status": self.cleaned_data["status"] or None,
                "search": self.cleaned_data["search"].strip()}


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the coordinators (optional)"), required=False, max_length=1000,
        help_text=_("Who you are and why you would like to join (at most 1000 characters)."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class NotificationForm(forms.Form):
    notify = forms.ChoiceField(label=_("E-mails about this group's documents"),
                               choices=Membership.Notify.choices, widget=forms.RadioSelect)


class JoinDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason (optional, sent to the applicant)"),
                             required=False, max_length=1000)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"),
                             help_text=_("The person must have an approved account."),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices,
                             initial=Membership.Role.MEMBER)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError(_("No account uses this e-mail address. The person must "
                                    "sign up first."))
        if not is_approved(user):
            raise ValidationError(_("This account has not been approved (or is deactivated): "
                                    "only approved users can join a working group."))
        self.user = user
        return email
