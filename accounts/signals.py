"""Receivers for allauth's signals; the work is done by services."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from .services import signup_notify_staff


@receiver(user_signed_up, dispatch_uid="accounts.notify_staff_of_signup")
def notify_staff_of_signup(sender, request, user, **kwargs):
    signup_notify_staff(user=user)
