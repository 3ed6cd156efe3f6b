"""API authentication (kept apart from api.py: DRF imports it while loading its own views)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .permissions import is_approved


class ApprovedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, accepted for approved users only."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not is_approved(user):
            raise AuthenticationFailed(_("This account is not approved."))
        return user, token
