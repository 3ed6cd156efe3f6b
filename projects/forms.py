"""Forms of the status report pages: the report itself (written, saved as a draft, submitted),
an attachment, and a programme officer's review.

The forms check what was typed (a date, a number, lengths); the workflow rules (the as-of date
within the project, one accepted report per date, results before submitting, who may do what)
are projects.services' and reach the form through `add_service_errors`, on the fields they name."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from documents.forms import UploadField, upload_help

from .models import ReviewEntry, StatusReport

STRUCTURED_HELP = _(
    "One paragraph a line. Start a line with “- ” (a hyphen and a space) to make it a bullet; "
    "indent a bullet by two spaces for each level to put it inside the bullet above it.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _text_field(name: str, label, help_text) -> forms.CharField:
    model_field = StatusReport._meta.get_field(name)
    # strip=False: the leading spaces of an indented bullet are its level.
    return forms.CharField(
        label=label, required=False, strip=False, max_length=model_field.max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}))


class StatusReportForm(forms.Form):
    """A new or edited status report. `project` gives the help texts their dates."""

    as_of = forms.DateField(
        label=_("As of"), widget=DateInput(),
        error_messages={"required": _("Enter the date the report describes the situation on."),
                        "invalid": _("Enter a valid date.")})
    members_count = StatusReport._meta.get_field("members_count").formfield(
        help_text=_("Optional: how many members the cluster had on the as-of date."))
    results = _text_field(
        "results", _("Main results"),
        format_lazy("{} {}", _("What the project has achieved up to the as-of date. Required "
                               "to submit the report."), STRUCTURED_HELP))
    ongoing_activities = _text_field(
        "ongoing_activities", _("Ongoing activities"),
        format_lazy("{} {}", _("What is under way or planned next."), STRUCTURED_HELP))

    FIELDS = ("as_of", "members_count", "results", "ongoing_activities")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["as_of"].help_text = _(
            "The date the report describes the situation on, e.g. the end of a stage or of "
            "the year. Not before the project started (%(start)s) nor in the future."
        ) % {"start": project.start_date.strftime("%d.%m.%Y")}

    def report_fields(self) -> dict:
        """What the form hands to services.report_create / report_update."""
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal on the fields it names (the rest above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


def initial_from(report: StatusReport) -> dict:
    return {name: getattr(report, name) for name in StatusReportForm.FIELDS}


class AttachmentForm(forms.Form):
    """A file for a report. Only its presence is checked here: the upload rules (size while
    it streams, type from its bytes, the name) are documents.uploads', applied by the service."""

    file = UploadField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help()


class ReviewForm(forms.Form):
    """A programme officer's decision on a submitted report, with an optional comment (required
    when asking for changes: the services say so)."""

    ACCEPT = "accept"
    REQUEST_CHANGES = "request_changes"

    action = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (REQUEST_CHANGES, _("Ask for changes"))],
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose whether to accept the report or ask for "
                                      "changes."),
                        "invalid_choice": _("Choose whether to accept the report or ask for "
                                            "changes.")})
    comment = forms.CharField(
        label=_("Comment"), required=False,
        max_length=ReviewEntry._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you ask for changes: say what should change. The submitter "
                    "receives it by e-mail. Optional when you accept."))

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name == "comment" else None, errors)
