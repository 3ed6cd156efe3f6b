from django.conf import settings

from accounts.permissions import can_moderate


def site(request):
    """What every page's layout needs: the site's name and what the user's menu offers."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "user_can_moderate": can_moderate(getattr(request, "user", None)),
    }
