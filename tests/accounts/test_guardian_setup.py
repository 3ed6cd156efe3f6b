"""django-guardian is installed for the object permissions later apps use."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_backends_in_the_documented_order():
    assert settings.AUTHENTICATION_BACKENDS == [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]


def test_no_anonymous_user_row_is_created():
    # Migrations ran for this test database: guardian made no "AnonymousUser" account.
    assert not get_user_model().objects.exists()


def test_object_permissions_work_with_the_custom_user(user, staff_user):
    from guardian.shortcuts import assign_perm, get_objects_for_user

    assign_perm("accounts.view_user", user, staff_user)
    assert user.has_perm("accounts.view_user", staff_user)
    assert not user.has_perm("accounts.view_user", user)
    visible = get_objects_for_user(user, "accounts.view_user", accept_global_perms=False)
    assert list(visible) == [staff_user]
