from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .models import Cluster, ClusterLabel, ClusterMember, ValueChainEntry
from .services import ENTRY_FIELDS, LABEL_FIELDS, MEMBER_FIELDS, PROFILE_FIELDS

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
# Magic bytes of the certificate formats we accept: PDF, PNG, JPEG.
CERTIFICATE_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def megabytes(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


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
        logo = self.cleaned_data.get("logo")
        upload = self.files.get(self.add_prefix("logo"))
        if not upload:
            return logo
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError(_("The logo is larger than %(max)s.") % {
                "max": megabytes(LOGO_MAX_BYTES)})
        # ImageField has already checked that Pillow can read it; accept only these formats
        # (no SVG, which can carry scripts).
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
        upload.seek(0)
        if image_format not in LOGO_FORMATS:
            raise ValidationError(_("The logo must be a PNG, JPEG or WebP image."))
        return logo


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
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return upload
        if upload.size > CERTIFICATE_MAX_BYTES:
            raise ValidationError(_("The certificate is larger than %(max)s.") % {
                "max": megabytes(CERTIFICATE_MAX_BYTES)})
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(CERTIFICATE_SIGNATURES):
            raise ValidationError(_("The certificate must be a PDF, PNG or JPEG file."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("evidence_file") and not cleaned.get("evidence_url"):
            raise ValidationError(_("Attach the certificate or give a link to the evidence."))
        return cleaned
