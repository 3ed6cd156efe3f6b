"""Small template helpers for rendering accessible Bootstrap forms."""

from django import template

register = template.Library()


@register.filter
def widget_type(bound_field) -> str:
    return bound_field.field.widget.__class__.__name__.lower()


@register.simple_tag
def field_with_classes(bound_field, css_class: str):
    """Render a field's widget with Bootstrap classes and the ARIA links to its help and errors."""
    attrs = {"class": css_class + (" is-invalid" if bound_field.errors else "")}
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if bound_field.field.required:
        attrs["required"] = True
    return bound_field.as_widget(attrs=attrs)
