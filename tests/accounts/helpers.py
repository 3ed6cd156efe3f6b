import re

from django.core import mail

from tests.factories import PASSWORD

CONFIRM_LINK = re.compile(r"/accounts/confirm-email/([^/\s]+)/")
RESET_LINK = re.compile(r"(/accounts/password/reset/key/[^\s]+/)")

NEW_PASSWORD = "Alta-Parola-Sigura-2026"


def signup_data(**overrides):
    data = {
        "full_name": "Ioana Ștefănescu",
        "email": "ioana.stefanescu@example.ro",
        "organisation": "Asociația Clusterul Agro Transilvania",
        "country": "RO",
        "requested_role": "cluster_manager",
        "motivation": "Actualizez profilul clusterului și încarc livrabilele.",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def login_data(email, password=PASSWORD):
    return {"login": email, "password": password}
