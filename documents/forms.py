"""Forms of the documents pages. They check what the user typed; the upload rules (size, type
sniffed from the bytes, file name) are applied by documents.uploads through the services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from workinggroups.models import WorkingGroup

from .models import Category, Document, DocumentVersion, Language
from .uploads import ALLOWED, ALLOWED_NAMES

DETAIL_FIELDS = ["title", "description", "category", "language", "tags"]
ACCEPT = ",".join(f".{ext}" for ext in ALLOWED)


def max_upload_megabytes() -> int:
    return max(1, settings.DOCUMENT_MAX_UPLOAD_BYTES // (1024 * 1024))


def upload_help() -> str:
    return _("At most %(size)s MB. Accepted types: %(types)s.") % {
        "size": max_upload_megabytes(), "types": ALLOWED_NAMES}


class UploadField(forms.FileField):
    """The file of a version. Only its presence is checked here: the services check the rest
    (empty, too large, type, name)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("File"))
        super().__init__(widget=forms.FileInput(attrs={"accept": ACCEPT}), **kwargs)
        self.error_messages["empty"] = _("The file is empty.")


def note_field(**kwargs):
    field = DocumentVersion._meta.get_field("note")
    return forms.CharField(
        max_length=field.max_length, required=False, strip=True,
        widget=forms.TextInput(), **kwargs)


class DetailsForm(forms.ModelForm):
    """Title, description, category, language and tags of a document."""

    class Meta:
        model = Document
        fields = DETAIL_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "tags": _("Separated by commas, for example: SWOT, Nord-Est, energy."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category")), *list(Category.choices)]
        self.fields["language"].choices = Language.choices

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the document a title."))
        return title


class DocumentUploadForm(DetailsForm):
    """A new document: its details and its version 1."""

    file = UploadField()
    note = note_field(label=_("Note (optional)"),
                      help_text=_("Anything the group should know about this version."))

    class Meta(DetailsForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help()


class VersionUploadForm(forms.Form):
    """A new version of a document, with a short note of what changed."""

    file = UploadField()
    note = note_field(label=_("What changed"),
                      help_text=_("A short note for the version history, for example: "
                                  "“Added the comments from the Iași meeting”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Document.Status.choices)


class ArchiveFilterForm(forms.Form):
    """The public archive's filters. Every one is optional; invalid ones are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    group = forms.ChoiceField(label=_("Working group"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    year = forms.TypedChoiceField(label=_("Year of publication"), required=False, coerce=int,
                                  empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the choices and the chosen group alike.
        self.groups = {group.code: group for group in WorkingGroup.objects.all()}
        self.fields["group"].choices = [("", _("All working groups"))] + [
            (code, str(group)) for code, group in self.groups.items()]
        self.fields["category"].choices = [("", _("All categories")), *list(Category.choices)]
        self.fields["language"].choices = [("", _("All languages")), *list(Language.choices)]
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]

    def filters(self) -> dict:
        """The valid filters (an invalid one is dropped, not an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "group": self.groups.get(data.get("group") or ""),
            "category": data.get("category") or None,
            "year": data.get("year"),
            "language": data.get("language") or None,
            "search": data.get("q") or "",
        }
