"""Cluster profiles, and their editing by the cluster's managers and by staff only."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from clusters.forms import LOGO_MAX_BYTES
from clusters.models import Cluster, ClusterChange, ClusterLabel, ClusterMember, ValueChainEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def profile_url(cluster):
    return reverse("clusters:detail", args=[cluster.slug])


def edit_url(cluster, name="edit"):
    return reverse(f"clusters:{name}", args=[cluster.slug])


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def profile_data(cluster, **overrides):
    data = {
        "name": cluster.name, "acronym": cluster.acronym,
        "management_entity": cluster.management_entity, "region": cluster.region_id,
        "sectors": [s.pk for s in cluster.sectors.all()],
        "members_total": cluster.members_total or "", "website": cluster.website,
        "description": cluster.description, "city": cluster.city,
    }
    data.update(overrides)
    return data


def png_bytes(size=(40, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 61, 110)).save(buffer, "PNG")
    return buffer.getvalue()


# --- the public profile -------------------------------------------------------------------

def test_profile_shows_the_facts(client, directory):
    cluster = directory["green"]
    ClusterMember.objects.create(cluster=cluster, organisation="Universitatea Transilvania",
                                 helix="research")
    ClusterMember.objects.create(cluster=cluster, organisation="Ecoterm SRL", helix="industry",
                                 is_sme=True)
    ValueChainEntry.objects.create(cluster=cluster, kind="offer", title="Consultanță biomasă")
    ValueChainEntry.objects.create(cluster=cluster, kind="gap", title="Producători de peleți")
    body = client.get(profile_url(cluster)).content.decode()
    for text in ["Green Energy", "Asociația Green Energy", "Sfântu Gheorghe", "Centre",
                 "Energy and environment", "label-silver", "Universitatea Transilvania",
                 "Ecoterm SRL", "Consultanță biomasă", "Producători de peleți",
                 "Label history", "valid until", "Research, universities and technology"]:
        assert text in body, text


def test_label_states_are_derived(directory):
    today = timezone.localdate()
    label = ClusterLabel(level="gold", awarded_on=today - timedelta(days=800))
    label.valid_until = today + timedelta(days=1)
    assert label.state(today) == "valid"
    label.valid_until = today - timedelta(days=200)
    assert label.state(today) == "renewable"
    label.valid_until = today - timedelta(days=400)
    assert label.state(today) == "lapsed"
    label.valid_until = None
    assert label.state(today) == "unknown"


def test_unpublished_profile_is_404_for_the_public(client, directory):
    assert client.get(profile_url(directory["hidden"])).status_code == 404
    assert client.get(profile_url(directory["hidden"])).content.count(b"Draft Cluster") == 0


def test_profile_text_is_rendered_inert(client, directory):
    Cluster.objects.filter(pk=directory["green"].pk).update(
        description='<script>alert("x")</script><b>bold</b>')
    body = client.get(profile_url(directory["green"])).content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


# --- who may edit -------------------------------------------------------------------------

EDIT_PAGES = ["edit", "members", "value_chain", "label_add", "history"]


@pytest.mark.parametrize("page", EDIT_PAGES)
def test_edit_pages_permission_matrix(directory, manager, page):
    green, agro = directory["green"], directory["agro"]
    anonymous = client_for(None).get(edit_url(green, page))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    pending = client_for(UserFactory(pending=True)).get(edit_url(green, page))
    assert pending.status_code == 302  # logged out at once: not approved
    assert client_for(UserFactory()).get(edit_url(green, page)).status_code == 403
    assert client_for(manager).get(edit_url(agro, page)).status_code == 403  # A on B
    assert client_for(manager).get(edit_url(green, page)).status_code == 200  # A on A
    assert client_for(UserFactory(staff=True)).get(edit_url(agro, page)).status_code == 200


def test_other_managers_cannot_change_anything_by_posting(directory, manager):
    agro = directory["agro"]
    response = client_for(manager).post(edit_url(agro), profile_data(agro, name="Furat"))
    assert response.status_code == 403
    agro.refresh_from_db()
    assert agro.name == "Agro Transilvania Cluster"


def test_unpublished_cluster_edit_is_404_for_others_and_200_for_its_manager(directory):
    hidden = directory["hidden"]
    owner = UserFactory()
    from clusters import services

    services.cluster_manager_add(cluster=hidden, manager=owner, by=None)
    assert client_for(UserFactory()).get(edit_url(hidden)).status_code == 404
    assert client_for(owner).get(edit_url(hidden)).status_code == 200
    assert client_for(owner).get(profile_url(hidden)).status_code == 200


def test_profile_shows_edit_links_only_to_editors(directory, manager):
    green = directory["green"]
    assert edit_url(green) in client_for(manager).get(profile_url(green)).content.decode()
    assert edit_url(green) not in client_for(UserFactory()).get(profile_url(green)).content.decode()


# --- editing, history and bad input ------------------------------------------------------

def test_manager_edits_the_profile_and_the_change_is_kept(directory, manager, sectors):
    green = directory["green"]
    client = client_for(manager)
    response = client.post(edit_url(green), profile_data(
        green, description="Strategie 2030: biomasă și hidrogen verde.", members_total=65,
        website="https://green-energy.ro", sectors=[sectors["energie"].pk,
                                                    sectors["bioeconomie"].pk]))
    assert response.status_code == 302
    green.refresh_from_db()
    assert green.description == "Strategie 2030: biomasă și hidrogen verde."
    assert green.members_total == 65
    change = ClusterChange.objects.get(cluster=green, action="profile")
    assert change.user == manager
    assert change.changes["members_total"] == ["60", "65"]
    assert change.changes["sectors"][1] == "Bioeconomy, Energy and environment"
    history = client.get(edit_url(green, "history")).content.decode()
    assert "Profile edited" in history
    assert "Ioana Manager" in history
    assert ">65<" in history


@pytest.mark.parametrize(("field", "value", "message"), [
    ("website", "not a url at all", "Enter a valid URL"),
    ("members_total", "-3", "greater than or equal to 0"),
    ("management_team_size", "5000", "less than or equal to 1000"),
    ("name", "", "This field is required"),
])
def test_bad_input_gets_a_clear_error_and_nothing_is_saved(directory, manager, field, value,
                                                           message):
    green = directory["green"]
    response = client_for(manager).post(edit_url(green), profile_data(
        green, description="Schimbare care nu trebuie salvată.", **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    green.refresh_from_db()
    assert green.description != "Schimbare care nu trebuie salvată."
    assert not ClusterChange.objects.filter(cluster=green, action="profile").exists()


def test_extra_fields_cannot_escalate(directory, manager):
    green = directory["green"]
    client_for(manager).post(edit_url(green), profile_data(
        green, is_published="", slug="furat", search_text="x", managers=[manager.pk]))
    green.refresh_from_db()
    assert green.is_published
    assert green.slug == "green-energy"


def test_logo_upload_is_validated(directory, manager, settings):
    green = directory["green"]
    client = client_for(manager)
    fake = SimpleUploadedFile("logo.png", b"<svg onload='alert(1)'></svg>", "image/png")
    response = client.post(edit_url(green), {**profile_data(green), "logo": fake})
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    svg = SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>',
                             "image/svg+xml")
    assert client.post(edit_url(green), {**profile_data(green), "logo": svg}).status_code == 200
    big = png_bytes() + b"\0" * (LOGO_MAX_BYTES + 1 - len(png_bytes()))
    response = client.post(edit_url(green), {**profile_data(green),
                                             "logo": SimpleUploadedFile("big.png", big)})
    assert "larger than 2 MB" in response.content.decode()
    green.refresh_from_db()
    assert not green.logo
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]  # nothing stored

    good = SimpleUploadedFile("Siglă Green.png", png_bytes(), "image/png")
    assert client.post(edit_url(green), {**profile_data(green), "logo": good}).status_code == 302
    green.refresh_from_db()
    assert green.logo.name.startswith("clusters/logos/")
    assert "Sigl" not in green.logo.name  # content-addressed name
    logo = client_for(None).get(reverse("clusters:logo", args=[green.slug]))
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content) == png_bytes()


def test_members_are_added_edited_and_removed(directory, manager):
    green = directory["green"]
    client = client_for(manager)
    data = {
        "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
        "members-0-organisation": "Universitatea Transilvania din Brașov",
        "members-0-helix": "research", "members-0-country": "RO", "members-0-is_sme": "unknown",
        "members-1-organisation": "", "members-1-helix": "", "members-1-country": "RO",
    }
    response = client.post(edit_url(green, "members"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    member = ClusterMember.objects.get(cluster=green)
    assert member.organisation == "Universitatea Transilvania din Brașov"
    assert ClusterChange.objects.filter(cluster=green, action="member_added").exists()

    data = {
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
        "members-0-id": str(member.pk), "members-0-organisation": member.organisation,
        "members-0-helix": "research", "members-0-country": "RO", "members-0-DELETE": "on",
    }
    assert client.post(edit_url(green, "members"), data).status_code == 302
    assert not ClusterMember.objects.filter(cluster=green).exists()
    assert ClusterChange.objects.filter(cluster=green, action="member_removed").exists()


def test_a_manager_cannot_edit_another_clusters_member_through_the_formset(directory, manager):
    other = ClusterMember.objects.create(cluster=directory["agro"], organisation="Străin SRL",
                                         helix="industry")
    data = {
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
        "members-0-id": str(other.pk), "members-0-organisation": "Preluat",
        "members-0-helix": "industry", "members-0-country": "RO",
    }
    client_for(manager).post(edit_url(directory["green"], "members"), data)
    other.refresh_from_db()
    assert other.organisation == "Străin SRL"


def test_offers_and_gaps(directory, manager, sectors):
    green = directory["green"]
    data = {
        "entries-TOTAL_FORMS": "2", "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0", "entries-MAX_NUM_FORMS": "1000",
        "entries-0-kind": "gap", "entries-0-title": "Furnizori de peleți",
        "entries-0-sectors": [sectors["energie"].pk], "entries-0-keywords": "peleți, biomasă",
        "entries-1-kind": "offer", "entries-1-title": "Audit energetic",
    }
    assert client_for(manager).post(edit_url(green, "value_chain"), data).status_code == 302
    assert set(green.value_chain.values_list("kind", "title")) == {
        ("gap", "Furnizori de peleți"), ("offer", "Audit energetic")}


def test_recording_a_label(directory, manager):
    green = directory["green"]
    client = client_for(manager)
    pdf = SimpleUploadedFile("certificat ESCA.pdf", b"%PDF-1.4\n%...\n", "application/pdf")
    response = client.post(edit_url(green, "label_add"), {
        "level": "gold", "issuer": "esca", "awarded_on": "2026-03-01",
        "valid_until": "2028-03-01", "score": "87.5", "evidence_file": pdf,
    })
    assert response.status_code == 302
    label = ClusterLabel.objects.get(cluster=green, level="gold")
    assert label.recorded_by == manager
    assert ClusterLabel.objects.filter(cluster=green).count() == 2  # the silver one is kept
    download = client_for(None).get(reverse("clusters:certificate", args=[green.slug, label.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(("data", "message"), [
    ({"awarded_on": "2026-03-01", "valid_until": "2025-03-01",
      "evidence_url": "https://esca.eu/x"}, "valid until a date after it was awarded"),
    ({"awarded_on": "2026-03-01", "valid_until": "2028-03-01"}, "Attach the certificate"),
    ({"awarded_on": "2026-03-01", "valid_until": "2028-03-01", "score": "150",
      "evidence_url": "https://esca.eu/x"}, "less than or equal to 100"),
])
def test_bad_labels_are_refused(directory, manager, data, message):
    green = directory["green"]
    response = client_for(manager).post(edit_url(green, "label_add"),
                                        {"level": "gold", "issuer": "esca", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ClusterLabel.objects.filter(cluster=green, level="gold").exists()


def test_certificate_must_be_a_pdf_or_image(directory, manager):
    fake = SimpleUploadedFile("certificat.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client_for(manager).post(edit_url(directory["green"], "label_add"), {
        "level": "gold", "issuer": "esca", "awarded_on": "2026-03-01",
        "valid_until": "2028-03-01", "evidence_file": fake})
    assert "must be a PDF, PNG or JPEG" in response.content.decode()


def test_partner_search_says_why(client, directory, sectors):
    ValueChainEntry.objects.create(cluster=directory["astrico"], kind="gap",
                                   title="Senzori IoT pentru rețele", keywords="iot, senzori")
    gap = ValueChainEntry.objects.get(cluster=directory["astrico"])
    gap.sectors.set([sectors["tic"]])
    offer = ValueChainEntry.objects.create(cluster=directory["green"], kind="offer",
                                           title="Integrare senzori", keywords="senzori")
    offer.sectors.set([sectors["tic"]])
    body = client.get(reverse("clusters:partners", args=["astrico-ne"])).content.decode()
    assert "Green Energy" in body
    assert "same sector: " in body
    assert "shared keywords: senzori" in body
