from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _
from PIL import Image

from documents.uploads import UploadRefused, check_content, safe_filename

from .models import Cluster, ClusterLabel, ClusterMember, ValueChainEntry
from .services import ENTRY_FIELDS, LABEL_FIELDS, MEMBER_FIELDS, PROFILE_FIELDS

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
# Magic bytes of the certificate formats we accept: PDF, PNG, JPEG.
CERTIFICATE_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
LOGO_EXTENSIONS = {"png", "jpg", "jpeg", "webp"}
CERTIFICATE_EXTENSIONS = {"pdf", "png", "jpg", "jpeg"}


def check_upload(upload, extensions: set[str], message) -> None:
    """The checks every upload passes (documents.uploads.check_content): the extension on the
    list and agreeing with the bytes, no web page, SVG, polyglot or appended archive."""
    ext = safe_filename(upload.name).rpartition(".")[2].lower()
    if ext not in extensions:
        raise ValidationError(message)
    try:
        check_content(upload, ext)
    except UploadRefused as exc:
        raise ValidationError(exc.message) from exc


def megabytes(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


def logo_too_large() -> str:
    return _("The logo is larger than %(max)s.") % {"max": megabytes(LOGO_MAX_BYTES)}


def certificate_too_large() -> str:
    return _("The certificate is larger than %(max)s.") % {
        "max": megabytes(CERTIFICATE_MAX_BYTES)}


def check_logo(upload) -> None:
    """Everything a cluster logo must pass, wherever it is uploaded (the profile form, the
    admin): the size, a PNG, JPEG or WebP image (no SVG, which can carry scripts) and
    check_upload. Raises ValidationError."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(logo_too_large())
    message = _("The logo must be a PNG, JPEG or WebP image.")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(message) from exc
    finally:
        upload.seek(0)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(message)
    check_upload(upload, LOGO_EXTENSIONS, message)


def check_certificate(upload) -> None:
    """Everything a label certificate must pass, wherever it is uploaded: the size, the magic
    bytes of a PDF, PNG or JPEG, and check_upload. Raises ValidationError."""
    if upload.size > CERTIFICATE_MAX_BYTES:
        raise ValidationError(certificate_too_large())
    message = _("The certificate must be a PDF, PNG or JPEG file.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(CERTIFICATE_SIGNATURES):
        raise ValidationError(message)
    check_upload(upload, CERTIFICATE_EXTENSIONS, message)


def _new_upload(form, name: str):
    """The file just uploaded for this field (None when the field keeps its stored file or is
    being cleared)."""
    return form.files.get(form.add_prefix(name)) if form.files else None


def clean_logo_field(form):
    """clean_logo of every ModelForm that edits Cluster.logo."""
    logo = form.cleaned_data.get("logo")
    upload = _new_upload(form, "logo")
    if upload:
        check_logo(upload)
    return logo


def clean_certificate_field(form):
    """clean_evidence_file of every ModelForm that edits ClusterLabel.evidence_file."""
    evidence_file = form.cleaned_data.get("evidence_file")
    upload = _new_upload(form, "evidence_file")
    if upload:
        check_certificate(upload)
    return evidence_file


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClusterProfileForm(forms.ModelForm):
    class Meta:
        model = Cluster
        fields = PROFILE_FIELDS
        widgets = {
            "date_established": DateInput(),
            "sectors": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 8}),
            "s3_priority_areas": forms.Textarea(attrs={"rows": 3}),
            "other_networks": forms.Textarea(attrs={"rows": 3}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }

    def clean_logo(self):
        return clean_logo_field(self)


class ClusterMemberForm(forms.ModelForm):
    class Meta:
        model = ClusterMember
        fields = MEMBER_FIELDS


ClusterMemberFormSet = modelformset_factory(
    ClusterMember, form=ClusterMemberForm, extra=3, can_delete=True, max_num=500,
    validate_max=True,
)


class ValueChainEntryForm(forms.ModelForm):
    class Meta:
        model = ValueChainEntry
        fields = ENTRY_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2}),
                   "sectors": forms.SelectMultiple(attrs={"size": 4})}

    def __init__(self, *args, cluster=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cluster is not None:
            self.fields["member"].queryset = cluster.members.all()


ValueChainEntryFormSet = modelformset_factory(
    ValueChainEntry, form=ValueChainEntryForm, extra=2, can_delete=True, max_num=200,
    validate_max=True,
)


class ClusterLabelForm(forms.ModelForm):
    class Meta:
        model = ClusterLabel
        fields = LABEL_FIELDS
        widgets = {"awarded_on": DateInput(), "valid_until": DateInput(),
                   "evidence_file": forms.ClearableFileInput(
                       attrs={"accept": "application/pdf,image/png,image/jpeg"})}
        help_texts = {"evidence_file": _("PDF, PNG or JPEG, at most 10 MB.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awarded_on"].required = True
        self.fields["valid_until"].required = True

    def clean_evidence_file(self):
        return clean_certificate_field(self)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("evidence_file") and not cleaned.get("evidence_url"):
            raise ValidationError(_("Attach the certificate or give a link to the evidence."))
        return cleaned
