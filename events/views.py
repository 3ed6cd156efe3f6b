"""STUB: being written (replace this module)."""

from django.http import Http404


def _stub(*args, **kwargs):
    raise Http404


upcoming = _stub
past = _stub
month_current = _stub
month = _stub
week_current = _stub
week = _stub
detail = _stub
register = _stub
unregister = _stub
mine = _stub
feed_token_regenerate = _stub
