"""Demo working-group memberships and documents for `seed_demo` (development only: they use
the demo accounts). The documents' text is taken from the seed documents in ../shared/seeds/
(the ADR Nord-Est pilot action, 004; the ClusterPoliSEE platform, 002; the CLUSTERO talk, 000),
so what a visitor sees is real material, not invented."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from workinggroups.models import Membership, WorkingGroup
from workinggroups.services import membership_add

from . import services
from .models import Document

# Excerpts of the seed documents (../shared/seeds/), kept in the repository so that
# `make run` works on a machine without them.
SEEDS = Path(__file__).resolve().parent / "demo_texts"

MEMBERSHIPS = [
    # email, group, role
    ("policymaker@demo.clusterpolicy.ro", "WG5", Membership.Role.COORDINATOR),
    ("member@demo.clusterpolicy.ro", "WG5", Membership.Role.MEMBER),
    ("member@demo.clusterpolicy.ro", "WG3", Membership.Role.MEMBER),
    ("manager@demo.clusterpolicy.ro", "WG3", Membership.Role.COORDINATOR),
    ("manager@demo.clusterpolicy.ro", "WG2", Membership.Role.MEMBER),
]

# title, group, author, category, seed file, lines per version (each version adds lines),
# status, publish?
DOCUMENTS = [
    ("Verigi lipsă în lanțul valoric al clusterelor din Regiunea Nord-Est", "WG5",
     "member@demo.clusterpolicy.ro", "swot", "004_2641dbd8fc06adf5.txt", [12, 40],
     "final", True),
    ("Acțiunea pilot ADR Nord-Est: B2B și cluster-to-cluster", "WG3",
     "manager@demo.clusterpolicy.ro", "study-visit", "004_2641dbd8fc06adf5.txt", [25],
     "review", False),
    ("Platforma de învățare în politici de cluster: note de lucru", "WG5",
     "policymaker@demo.clusterpolicy.ro", "strategy-plan", "002_2d08534bb13730c9.txt",
     [60, 120, 200], "draft", False),
    ("Clustere, etichete ESCA și eco-inovare în România", "WG3",
     "member@demo.clusterpolicy.ro", "good-practice", "000_9c06383cb48dfdca.txt", [80],
     "draft", False),
]


def _text(seed: str, lines: int) -> bytes:
    path = SEEDS / seed
    if not path.exists():
        return b""
    kept = path.read_text(encoding="utf-8").splitlines()
    return ("\n\n".join(kept[:lines]) + "\n").encode("utf-8")


def seed_groups_and_documents() -> int:
    """Idempotent: memberships are added once; a document with the same title in the same
    group is left as it is. Returns the number of documents created."""
    users = {u.email: u for u in User.objects.filter(
        email__in={m[0] for m in MEMBERSHIPS} | {d[2] for d in DOCUMENTS})}
    groups = {g.code: g for g in WorkingGroup.objects.all()}
    for email, code, role in MEMBERSHIPS:
        if email in users and not Membership.objects.filter(user=users[email],
                                                            group=groups[code]).exists():
            membership_add(group=groups[code], user=users[email], by=None, role=role)
    created = 0
    for title, code, email, category, seed, versions, status, publish in DOCUMENTS:
        group, author = groups[code], users.get(email)
        if author is None or Document.objects.filter(group=group, title=title).exists():
            continue
        name = f"{title[:60]}.md"
        texts = [_text(seed, n) for n in versions]
        if not all(texts):
            continue
        document = services.document_create(
            group=group, user=author, title=title, category=category,
            description="Document demonstrativ: text preluat din documentele proiectului.",
            tags="demo, ClusterPoliSEE",
            upload=SimpleUploadedFile(name, texts[0], "text/markdown"), note="Prima variantă")
        for number, text in enumerate(texts[1:], start=2):
            services.version_add(document=document, user=author,
                                 upload=SimpleUploadedFile(name, text, "text/markdown"),
                                 note=f"Versiunea {number}: secțiuni adăugate")
        coordinator = Membership.objects.filter(group=group, role="coordinator").first()
        if status != "draft" and coordinator:
            services.document_set_status(document=document, user=coordinator.user,
                                         status="review")
        if status == "final" and coordinator:
            services.document_set_status(document=document, user=coordinator.user,
                                         status="final")
            if publish:
                services.document_publish(document=document, user=coordinator.user)
        created += 1
    return created
