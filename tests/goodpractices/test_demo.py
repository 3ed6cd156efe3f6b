"""The demo good practices (seeds 004, 003 and 000): two published, one draft; seeding again
creates nothing new; the draft stays inside its group."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.demo import seed_accounts
from clusters.demo import seed_reference_data
from documents.demo import seed_groups_and_documents
from goodpractices.demo import PRACTICES, seed_good_practices
from goodpractices.models import GoodPractice
from goodpractices.permissions import practices_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    seed_reference_data()
    seed_accounts()
    seed_groups_and_documents()
    assert seed_good_practices() == len(PRACTICES) == 3


def test_seeding_twice_creates_each_practice_once(seeded):
    before = list(GoodPractice.objects.order_by("pk").values("pk", "slug", "state",
                                                             "updated_at"))
    assert seed_good_practices() == 0
    assert list(GoodPractice.objects.order_by("pk").values("pk", "slug", "state",
                                                           "updated_at")) == before


def test_two_are_published_one_is_a_draft(seeded):
    published = GoodPractice.objects.published()
    assert published.count() == 2
    assert set(practices_visible_to(AnonymousUser())) == set(published)
    nord_est = GoodPractice.objects.get(working_group__code="WG5")
    assert nord_est.region.slug == "nord-est"
    assert nord_est.is_published
    assert nord_est.documents.get().title.startswith("Verigi lipsă")
    assert "10.000 euro" in nord_est.risk_factors  # seed 004's budget, not an invented figure
    draft = GoodPractice.objects.get(state=GoodPractice.State.DRAFT)
    assert draft.working_group.code == "WG2"
    assert draft.missing_sections


def test_without_accounts_nothing_is_seeded(db):
    assert seed_good_practices() == 0
    assert not GoodPractice.objects.exists()
