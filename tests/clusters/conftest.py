"""Fixtures for the clusters tests: reference data and a small directory."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clusters import services
from clusters.models import Cluster, ClusterLabel, Country, Region, Sector
from tests.factories import UserFactory


@pytest.fixture
def romania(db):
    return Country.objects.create(code="RO", name_ro="România", name_en="Romania")


@pytest.fixture
def regions(romania):
    return {
        slug: Region.objects.create(code=code, slug=slug, name_ro=ro, name_en=en,
                                    country=romania)
        for code, slug, ro, en in [
            ("RO12", "centru", "Centru", "Centre"),
            ("RO21", "nord-est", "Nord-Est", "North-East"),
            ("RO42", "vest", "Vest", "West"),
        ]
    }


@pytest.fixture
def sectors(db):
    return {
        slug: Sector.objects.create(slug=slug, name_ro=ro, name_en=en)
        for slug, ro, en in [
            ("energie", "Energie, mediu și schimbări climatice", "Energy and environment"),
            ("bioeconomie", "Bioeconomie", "Bioeconomy"),
            ("tic", "Tehnologia informației și a comunicațiilor", "ICT"),
        ]
    }


def make_cluster(slug, region, *, sectors=(), published=True, label=None, **fields):
    fields.setdefault("name", slug.replace("-", " ").title())
    cluster = Cluster.objects.create(slug=slug, region=region, is_published=published,
                                     **fields)
    cluster.sectors.set(sectors)
    if label:
        today = timezone.localdate()
        ClusterLabel.objects.create(cluster=cluster, level=label,
                                    awarded_on=today - timedelta(days=100),
                                    valid_until=today + timedelta(days=600),
                                    evidence_url="https://example.org/label")
    return cluster


@pytest.fixture
def directory(regions, sectors):
    """Four published clusters and one unpublished."""
    return {
        "green": make_cluster(
            "green-energy", regions["centru"], sectors=[sectors["energie"]], label="silver",
            name="Green Energy", acronym="GE", city="Sfântu Gheorghe",
            description="Biomasă și energie regenerabilă în județul Brașov.",
            management_entity="Asociația Green Energy", members_total=60),
        "agro": make_cluster(
            "agro-transilvania", regions["centru"], sectors=[sectors["bioeconomie"]],
            label="gold", name="Agro Transilvania Cluster", members_total=90),
        "astrico": make_cluster(
            "astrico-ne", regions["nord-est"], sectors=[sectors["tic"], sectors["energie"]],
            name="Astrico Nord-Est", acronym="ASTRICO NE", members_total=40),
        "rosenc": make_cluster(
            "rosenc", regions["vest"], sectors=[sectors["energie"]], label="bronze",
            name="ROSENC"),
        "hidden": make_cluster("draft-cluster", regions["vest"], published=False,
                               name="Draft Cluster"),
    }


@pytest.fixture
def manager(directory):
    user = UserFactory(email="manager@example.ro", full_name="Ioana Manager")
    services.cluster_manager_add(cluster=directory["green"], manager=user, by=None)
    return user


