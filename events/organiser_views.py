"""STUB: being written (replace this module)."""

from django.http import Http404


def _stub(*args, **kwargs):
    raise Http404


create = _stub
edit = _stub
copy = _stub
cancel = _stub
attendees = _stub
attendees_csv = _stub
email_attendees = _stub
