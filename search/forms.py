"""The search box and its filters (the page and the API read the same form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workinggroups.models import WorkingGroup

from .models import Kind, Language
from .selectors import MAX_INPUT


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, strip=True,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Everything")), *Kind.choices])
    group = forms.ModelChoiceField(label=_("Working group"), required=False,
                                   queryset=WorkingGroup.objects.order_by("code"),
                                   to_field_name="code", empty_label=_("Any group"),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("Any language")), *Language.choices])

    def filters(self) -> dict:
        """The valid values; an invalid filter is ignored (the form shows its error) and the
        text is never refused: an overlong one is cut, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (self.data.get("q") or "")[:MAX_INPUT],
            "kind": data.get("kind") or None,
            "working_group": data.get("group"),
            "year": data.get("year"),
            "language": data.get("language") or None,
        }
