"""The status-report entries of the user menu (templates/core/partials/_navbar.html).

A filter rather than a context processor: it runs only where the menu is drawn, i.e. for
logged-in users, and costs at most one query (the officers' group), cached on the user."""

from django import template

from .. import permissions

register = template.Library()


@register.filter
def reviews_status_reports(user) -> bool:
    """Whether the menu offers "Status reports to review" (programme officers)."""
    return permissions.is_programme_officer(user)
