"""The form to describe a good practice (new and edit). The form only collects the fields: the
services decide (linked documents of the practice's group, sections needed to publish) and
their refusals are shown on the fields they name."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clusters.models import Country, Region

from . import permissions, selectors
from .models import GoodPractice

TEXT_AREAS = ("practice", "context", "benefits", "lessons_learned", "success_factors",
              "risk_factors", "transferability_notes")


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, document):
        return f"{document.group.code} · {document.title}"


class GoodPracticeForm(forms.ModelForm):
    working_group = forms.ModelChoiceField(
        label=_("Working group"), queryset=None, to_field_name="code",
        empty_label=_("Choose one of your groups"),
        help_text=_("The group whose members wrote it; its coordinators publish it."))
    documents = DocumentChoiceField(
        label=_("Documents behind it"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Reports, studies or evaluations of the same working group that describe "
                    "the practice."))

    class Meta:
        model = GoodPractice
        fields = ["working_group", "title", "country", "region", "theme", "language",
                  "practice", "context", "benefits", "lessons_learned", "success_factors",
                  "risk_factors", "transferability", "transferability_notes", "documents"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in TEXT_AREAS}

    # The fieldsets of the page, in order (the working group only on a new practice).
    SECTIONS = [
        (_("What and where"), ["working_group", "title", "country", "region", "theme",
                               "language"]),
        (_("The practice"), ["practice", "context", "benefits", "lessons_learned",
                             "success_factors", "risk_factors"]),
        (_("Transferability"), ["transferability", "transferability_notes"]),
        (_("Sources"), ["documents"]),
    ]

    def __init__(self, *args, user, practice: GoodPractice | None = None, group=None, **kwargs):
        super().__init__(*args, instance=practice, **kwargs)
        self.user = user
        self.practice = practice
        if practice is not None:
            del self.fields["working_group"]
            groups = [practice.working_group]
            self.initial.setdefault("documents", list(
                selectors.linked_documents(user, practice).values_list("pk", flat=True)))
        else:
            writable = permissions.writable_groups(user).order_by("code")
            self.fields["working_group"].queryset = writable
            if group is not None:
                self.initial.setdefault("working_group", group.code)
            groups = writable
        self.fields["documents"].queryset = selectors.linkable_documents(user, groups)
        self.fields["country"].queryset = Country.objects.order_by("name_en")
        self.fields["country"].empty_label = _("Choose a country")
        if practice is None:  # most practices described here are Romanian
            romania = Country.objects.filter(code="RO").values_list("pk", flat=True).first()
            if romania is not None:
                self.initial.setdefault("country", romania)
        self.fields["region"].queryset = Region.objects.select_related("country")
        self.fields["region"].empty_label = _("The whole country, or several regions")
        self.fields["transferability"].widget = forms.RadioSelect(
            choices=GoodPractice.Transferability.choices)

    @property
    def sections(self):
        return [{"legend": legend, "fields": [self[name] for name in names
                                               if name in self.fields]}
                for legend, names in self.SECTIONS]

    def clean(self):
        cleaned = super().clean()
        group = cleaned.get("working_group") or (self.practice.working_group
                                                 if self.practice else None)
        documents = cleaned.get("documents") or []
        others = [d for d in documents if group is not None and d.group_id != group.pk]
        if others:
            self.add_error("documents", _(
                "Only documents of %(code)s can be linked to this practice: %(titles)s."
            ) % {"code": group.code, "titles": ", ".join(f"“{d.title}”" for d in others)})
        return cleaned

    def practice_fields(self) -> dict:
        """The model fields for services.practice_create / practice_update."""
        return {name: self.cleaned_data[name] for name in self.fields
                if name not in ("working_group", "documents")}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal on the fields it names (the rest above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)
