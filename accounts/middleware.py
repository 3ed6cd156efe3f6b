from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .permissions import is_approved


class ApprovedUsersOnlyMiddleware:
    """Ends the session of any logged-in user who is not (or no longer) approved, so a user
    rejected or deactivated after logging in sees nothing beyond the public section."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not is_approved(user):
            logout(request)
            messages.warning(request, _("Your session has ended: your account is not approved."))
            return redirect("account_login")
        return self.get_response(request)
