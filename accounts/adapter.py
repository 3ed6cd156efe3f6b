"""The allauth adapter: implements the moderation rule and routes allauth's e-mails through the
outbox.

Order of the login flow (allauth calls `pre_login` *before* its e-mail-verification stage):
- a pending user whose address is not verified yet is let through `pre_login`, so allauth's
  verification stage sends the confirmation e-mail (at sign-up and at each login attempt) and
  stops the login there;
- a pending user with a verified address, and a rejected user, are refused in `pre_login`
  (and, for the password login form, earlier still with a form error: see forms.LoginForm).
"""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.utils import has_verified_email
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import render
from django.utils import translation

from notifications.services import email_queue

from .models import User
from .permissions import login_refusal


def refusal_applies(user, email: str | None = None) -> bool:
    """Whether the moderation rule refuses this login now (see the module docstring)."""
    if login_refusal(user) is None:
        return False
    unverified_pending = user.status == User.Status.PENDING and not has_verified_email(
        user, email
    )
    return not unverified_pending


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = data["full_name"]
        user.organisation = data.get("organisation", "")
        user.country = data.get("country", "")
        user.requested_role = data["requested_role"]
        user.motivation = data.get("motivation", "")
        language = translation.get_language() or settings.LANGUAGE_CODE
        codes = {code for code, _name in settings.LANGUAGES}
        user.language = language if language in codes else settings.LANGUAGE_CODE
        user.status = User.Status.PENDING
        if commit:
            user.save()
        return user

    def pre_login(self, request, user, **kwargs):
        if user.is_active and refusal_applies(user, kwargs.get("email")):
            clear_login(request)
            return render(
                request,
                "account/account_not_approved.html",
                {"refusal": login_refusal(user), "status": user.status},
                status=403,
            )
        return super().pre_login(request, user, **kwargs)

    def send_mail(self, template_prefix, email, context):
        """Render allauth's e-mail now (in the request's language) and send it via the outbox."""
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.SITE_NAME,
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (content for content, mime in getattr(message, "alternatives", [])
             if mime == "text/html"),
            "",
        )
        email_queue(
            key=f"allauth:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            to=email,
            subject=message.subject,
            body=message.body,
            html_body=html,
            from_email=message.from_email or "",
        )
