"""The services own the good practices' invariants: who writes, the slug, the documents behind
a practice (its own group's, visible to the writer), the sections needed to publish, and the
draft ⇄ published workflow."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from documents import services as document_services
from goodpractices import services
from goodpractices.models import GoodPractice
from tests.factories import UserFactory

from .conftest import SECTIONS, make_document, make_practice

pytestmark = pytest.mark.django_db


def test_a_member_creates_a_draft_with_a_slug_from_the_title(wg1, member, romania):
    practice = make_practice(wg1, member, title="Acțiunea pilot ADR Nord-Est: B2B")
    assert practice.state == GoodPractice.State.DRAFT
    assert practice.author == member
    assert practice.slug == "actiunea-pilot-adr-nord-est-b2b"
    assert practice.published_at is None
    assert practice.published_by is None
    assert practice.get_absolute_url() == "/good-practices/actiunea-pilot-adr-nord-est-b2b/"


def test_the_same_title_gets_the_next_number_and_new_is_reserved(wg1, member, romania):
    first = make_practice(wg1, member, title="Clustere")
    second = make_practice(wg1, member, title="Clustere")
    third = make_practice(wg1, member, title="Clustere!")
    assert [first.slug, second.slug, third.slug] == ["clustere", "clustere-2", "clustere-3"]
    assert make_practice(wg1, member, title="New").slug == "new-2"


def test_the_slug_does_not_change_with_the_title(wg1, member, romania):
    practice = make_practice(wg1, member, title="Titlul vechi")
    practice = services.practice_update(good_practice=practice, by=member, title="Titlul nou")
    assert practice.title == "Titlul nou"
    assert practice.slug == "titlul-vechi"


def test_cedilla_letters_are_stored_with_comma_below(wg1, member, romania):
    practice = make_practice(wg1, member, title="Reţele şi clustere",
                             practice="Cooperare în regiunea Sud-Muntenia, ţesături\r\n")
    practice.refresh_from_db()
    assert practice.title == "Rețele și clustere"
    assert practice.practice == "Cooperare în regiunea Sud-Muntenia, țesături"


@pytest.mark.parametrize("who", ["outsider", "other_member", "pending"])
def test_only_the_groups_members_create_practices(request, wg1, romania, who):
    user = UserFactory(pending=True) if who == "pending" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        make_practice(wg1, user)
    assert not GoodPractice.objects.exists()


def test_staff_create_in_any_group(wg2, romania):
    assert make_practice(wg2, UserFactory(staff=True)).working_group == wg2


def test_the_region_must_be_in_the_country(wg1, member, italy, nord_est):
    with pytest.raises(ValidationError) as refused:
        make_practice(wg1, member, country=italy, region=nord_est)
    assert "region" in refused.value.message_dict


def test_required_fields_are_checked(wg1, member, romania):
    with pytest.raises(ValidationError) as refused:
        make_practice(wg1, member, title="", theme="nonsense", transferability="")
    assert {"title", "theme", "transferability"} <= set(refused.value.message_dict)


def test_documents_of_the_group_are_linked(wg1, member, romania):
    document = make_document(wg1, member, "SWOT Nord-Est")
    practice = make_practice(wg1, member, documents=[document])
    assert list(practice.documents.all()) == [document]
    assert list(document.good_practices.all()) == [practice]


def test_documents_of_another_group_are_refused_even_when_published(wg1, wg2, member, romania,
                                                                    other_member):
    from workinggroups.models import Membership
    from workinggroups.services import membership_add

    coordinator2 = UserFactory()
    membership_add(group=wg2, user=coordinator2, by=None, role=Membership.Role.COORDINATOR)
    published = make_document(wg2, other_member, "Raport public WG2", publish_by=coordinator2)
    with pytest.raises(ValidationError) as refused:
        make_practice(wg1, member, documents=[published])
    assert "Raport public WG2" in refused.value.message_dict["documents"][0]
    assert not GoodPractice.objects.exists()


def test_trashed_documents_are_refused(wg1, member, coordinator, romania):
    document = make_document(wg1, member, "Document șters")
    document_services.document_trash(document=document, user=coordinator)
    with pytest.raises(ValidationError) as refused:
        make_practice(wg1, coordinator, documents=[document])
    assert "documents" in refused.value.message_dict


def test_update_replaces_the_documents_only_when_given(wg1, member, romania):
    first, second = make_document(wg1, member, "Unu"), make_document(wg1, member, "Doi")
    practice = make_practice(wg1, member, documents=[first])
    services.practice_update(good_practice=practice, by=member, title="Alt titlu")
    assert list(practice.documents.all()) == [first]
    services.practice_update(good_practice=practice, by=member, documents=[second])
    assert list(practice.documents.all()) == [second]


def test_who_edits(wg1, member, coordinator, romania, outsider, other_member):
    colleague = UserFactory()
    from workinggroups.services import membership_add
    membership_add(group=wg1, user=colleague, by=None)
    practice = make_practice(wg1, member)
    for user in (colleague, outsider, other_member):
        with pytest.raises(PermissionDenied):
            services.practice_update(good_practice=practice, by=user, title="Nu")
    services.practice_update(good_practice=practice, by=member, title="Autoarea")
    services.practice_update(good_practice=practice, by=coordinator, title="Coordonatoarea")
    services.practice_publish(good_practice=practice, by=coordinator)
    with pytest.raises(PermissionDenied):  # the author, once it is published
        services.practice_update(good_practice=practice, by=member, title="După publicare")
    services.practice_update(good_practice=practice, by=coordinator, title="Corectat")
    services.practice_update(good_practice=practice, by=UserFactory(staff=True), title="Staff")
    practice.refresh_from_db()
    assert practice.title == "Staff"


def test_the_coordinator_publishes_and_unpublishes(wg1, member, coordinator, romania):
    practice = make_practice(wg1, member)
    with pytest.raises(PermissionDenied):
        services.practice_publish(good_practice=practice, by=member)
    practice = services.practice_publish(good_practice=practice, by=coordinator)
    assert practice.state == GoodPractice.State.PUBLISHED
    assert practice.published_by == coordinator
    assert practice.published_at is not None
    with pytest.raises(PermissionDenied):
        services.practice_unpublish(good_practice=practice, by=member)
    practice = services.practice_unpublish(good_practice=practice, by=coordinator)
    practice.refresh_from_db()
    assert practice.state == GoodPractice.State.DRAFT
    assert practice.published_by is None
    assert practice.published_at is None


def test_another_groups_coordinator_does_not_publish(wg1, wg2, member, romania):
    from workinggroups.models import Membership
    from workinggroups.services import membership_add

    coordinator2 = UserFactory()
    membership_add(group=wg2, user=coordinator2, by=None, role=Membership.Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.practice_publish(good_practice=make_practice(wg1, member), by=coordinator2)


def test_staff_publish(wg1, member, romania):
    practice = services.practice_publish(good_practice=make_practice(wg1, member),
                                         by=UserFactory(staff=True))
    assert practice.is_published


def test_every_section_is_written_before_publishing(wg1, member, coordinator, romania):
    practice = make_practice(wg1, member, lessons_learned="", risk_factors="  ")
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.practice_publish(good_practice=practice, by=coordinator)
    assert "lessons learned" in str(refused.value)
    assert "risk factors" in str(refused.value)
    practice.refresh_from_db()
    assert practice.state == GoodPractice.State.DRAFT
    services.practice_update(good_practice=practice, by=member, lessons_learned="Învățat.",
                             risk_factors="Riscuri.")
    assert services.practice_publish(good_practice=practice, by=coordinator).is_published


def test_a_published_practice_keeps_its_sections(wg1, member, coordinator, romania):
    practice = make_practice(wg1, member, publish_by=coordinator)
    with pytest.raises(ValidationError):
        services.practice_update(good_practice=practice, by=coordinator, benefits="")
    practice.refresh_from_db()
    assert practice.benefits == SECTIONS["benefits"]


def test_unknown_fields_are_a_programming_error(wg1, member, romania):
    with pytest.raises(ValueError, match="Unknown good-practice fields"):
        make_practice(wg1, member, state="published")
