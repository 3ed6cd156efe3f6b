"""IANA time zones: validation, choices for forms, and activation of the viewer's zone."""

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Every canonical IANA zone name ("Europe/Bucharest", "Asia/Seoul"…), sorted."""
    names = {name for name in available_timezones()
             if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/"))}
    return tuple(sorted(names | {"UTC"}))


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                _("“%(value)s” is not a known time zone. Use an IANA name such as "
                  "Europe/Bucharest or Asia/Seoul."),
                code="unknown_timezone", params={"value": value}) from None


def zone(name: str | None) -> ZoneInfo:
    """The named zone, or the portal's home zone when the name is empty or unknown."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


class ViewerTimezoneMiddleware:
    """Renders dates in the logged-in user's time zone (their profile setting), otherwise in
    the portal's home zone, Europe/Bucharest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        timezone.activate(zone(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
