"""Template helpers for projects: structured text as blocks, a project's status label."""

from django import template

from ..models import Project
from ..text import Block, parse_blocks

register = template.Library()


@register.filter
def structured(value) -> list:
    """The blocks of structured text (projects.text.parse_blocks), for
    `{% include "projects/partials/_blocks.html" with blocks=text|structured %}`. Blocks
    (objects, or dicts as the API gives them) pass through unchanged."""
    if value is None:
        return []
    if isinstance(value, list | tuple) and all(isinstance(b, Block | dict) for b in value):
        return list(value)
    return parse_blocks(str(value))


@register.filter
def status_label(value) -> str:
    """The label of a Project.Status value ("ongoing" → "Ongoing"), as ProjectQuerySet.with_status
    annotates it."""
    try:
        return Project.Status(value).label
    except ValueError:
        return ""
