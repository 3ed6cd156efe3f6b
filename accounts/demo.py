"""Demo accounts for `seed_demo` (development only: their passwords are published)."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import User

DEMO_PASSWORD = "Demo-Parola-2026"

DEMO_ACCOUNTS = [
    # email, full name, organisation, requested role, status, staff
    ("admin@demo.clusterpolicy.ro", "Administrator Platformă", "CLUSTERO",
     User.RequestedRole.OTHER, User.Status.APPROVED, True),
    ("manager@demo.clusterpolicy.ro", "Ioana Ștefănescu", "Asociația Agro Transilvania Cluster",
     User.RequestedRole.CLUSTER_MANAGER, User.Status.APPROVED, False),
    ("policymaker@demo.clusterpolicy.ro", "Mihai Țurcanu", "ADR Nord-Est",
     User.RequestedRole.POLICYMAKER, User.Status.APPROVED, False),
    ("member@demo.clusterpolicy.ro", "Ana Munteanu", "Universitatea „Alexandru Ioan Cuza” din Iași",
     User.RequestedRole.WORKING_GROUP_MEMBER, User.Status.APPROVED, False),
    ("pending@demo.clusterpolicy.ro", "Radu Căpățână", "Pol de competitivitate Construcții",
     User.RequestedRole.WORKING_GROUP_MEMBER, User.Status.PENDING, False),
    ("rejected@demo.clusterpolicy.ro", "Test Respins", "—",
     User.RequestedRole.OTHER, User.Status.REJECTED, False),
    # The UEFISCDI projects' roles: projects.demo.seed_project_accounts puts the officer in
    # the Programme officers group and makes the director the director of 1 CLS/INOV-TREC.
    ("officer@demo.clusterpolicy.ro", "Ofițer de program demonstrativ", "UEFISCDI",
     User.RequestedRole.OTHER, User.Status.APPROVED, True),
    ("director@demo.clusterpolicy.ro", "Director de proiect demonstrativ",
     "Asociația „Cluster T.R.E.C. - Transylvania Energy Cluster”",
     User.RequestedRole.OTHER, User.Status.APPROVED, False),
]

# The staff accounts that are superusers too (a programme officer is staff, not superuser).
DEMO_SUPERUSERS = {"admin@demo.clusterpolicy.ro"}


def demo_account(email: str) -> User:
    """The demo account of DEMO_ACCOUNTS with this e-mail, created (approved ones with a
    verified address) when it does not exist yet; an existing account is never touched."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    _email, name, organisation, role, status, staff = next(
        entry for entry in DEMO_ACCOUNTS if entry[0] == email)
    user = User(
        email=email, full_name=name, organisation=organisation, country="RO",
        requested_role=role, status=status, is_staff=staff,
        is_superuser=staff and email in DEMO_SUPERUSERS,
        motivation="Cont demonstrativ.",
        status_changed_at=None if status == User.Status.PENDING else timezone.now(),
    )
    user.set_password(DEMO_PASSWORD)
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed_accounts() -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist yet; never touch existing ones.
    Returns (email, role, status) for every demo account."""
    rows = []
    for email, *_rest in DEMO_ACCOUNTS:
        user = demo_account(email)
        label = "staff" if user.is_staff else user.get_requested_role_display()
        rows.append((user.email, str(label), user.status))
    return rows
