"""STUB: being written (replace this module)."""

from django.http import Http404


def _stub(*args, **kwargs):
    raise Http404


public_feed = _stub
group_feed = _stub
personal_feed = _stub
event_ics = _stub
