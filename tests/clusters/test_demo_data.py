"""seed_demo loads Romania's real clusters from the sources, and loading twice changes nothing."""

from datetime import date

import pytest
from django.core.management import call_command

from clusters.demo import CLUSTERS, SECTORS
from clusters.models import (
    Cluster,
    ClusterLabel,
    ClusterMember,
    Country,
    Region,
    Sector,
    ValueChainEntry,
)

pytestmark = pytest.mark.django_db

TIMESTAMPS = {"created_at", "updated_at"}


@pytest.fixture
def seeded(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", "--no-accounts")
    return capsys.readouterr().out


def snapshot():
    tables = [Cluster, ClusterLabel, ClusterMember, ValueChainEntry, Region, Sector, Country,
              Cluster.sectors.through, ValueChainEntry.sectors.through]
    return {
        model._meta.label: [
            {k: v for k, v in row.items() if k not in TIMESTAMPS}
            for row in model.objects.order_by("pk").values()
        ]
        for model in tables
    }


def current_levels(slug):
    return set(ClusterLabel.objects.current().filter(cluster__slug=slug)
               .values_list("level", flat=True))


def test_reference_data_loads_with_debug_off(seeded):
    assert dict(Region.objects.filter(country__code="RO").values_list("code", "name_ro")) == {
        "RO11": "Nord-Vest", "RO12": "Centru", "RO21": "Nord-Est", "RO22": "Sud-Est",
        "RO31": "Sud-Muntenia", "RO32": "București-Ilfov", "RO41": "Sud-Vest Oltenia",
        "RO42": "Vest",
    }
    assert Region.objects.get(slug="bucuresti-ilfov").name_en == "Bucharest-Ilfov"
    # The 12 countries, and the "EU" entry of European bodies (institutions.demo).
    assert Country.objects.exclude(code="EU").count() == 12
    assert Country.objects.get(code="HR").name_ro == "Croația"
    assert set(Sector.objects.values_list("slug", flat=True)) == {s for s, *_ in SECTORS}
    assert Sector.objects.get(slug="textile-pielarie").name_ro == "Textile și pielărie"
    assert f"Clusters: {len(CLUSTERS)}" in seeded
    assert "Reference data loaded" in seeded


@pytest.mark.parametrize(("slug", "level"), [
    ("green-energy", "silver"),
    ("etrec", "silver"),
    ("trec", "silver"),
    ("clems", "bronze"),
    ("rosenc", "silver"),
    ("app-timisoara", "bronze"),
    ("pro-wood", "silver"),
    ("agro-transilvania-cluster", "gold"),
    ("ind-agro-pol", "silver"),
    ("mechatrec", "silver"),
    ("elinclus", "silver"),
    ("imago-mol", "silver"),
    ("astrico-ne", "silver"),
    ("cermand", None),
    ("biogasinno", None),
    ("med-green-pole", None),
    ("agrofood", None),
    ("green-solutions-lower-danube", None),
    ("euronest-itc-hub", None),
    ("iconic-new-media", None),
    ("bio-rone", None),
    ("apt-cluster-de-turism", None),
])
def test_named_clusters_have_their_stated_labels(seeded, slug, level):
    cluster = Cluster.objects.get(slug=slug)
    assert cluster.is_published
    assert current_levels(slug) == ({level} if level else set())
    assert all(label.issuer == "esca" and label.source_note for label in cluster.labels.all())


def test_labels_being_prepared_are_not_recorded(seeded):
    # 003: PRO WOOD prepares Gold, Transylvania Textile & Fashion Silver, Cluj IT and
    # ELINCLUS Gold; Romanian Textile Concept's reconfirmation audit names no level.
    assert current_levels("pro-wood") == {"silver"}
    assert current_levels("elinclus") == {"silver"}
    assert not ClusterLabel.objects.filter(level="gold").exclude(
        cluster__slug="agro-transilvania-cluster").exists()
    for slug in ("transylvania-textile-fashion", "cluj-it", "romanian-textile-concept"):
        assert not ClusterLabel.objects.filter(cluster__slug=slug).exists()


def test_no_label_dates_beyond_what_the_sources_give(seeded):
    assert not ClusterLabel.objects.filter(valid_until__isnull=False).exists()
    dated = ClusterLabel.objects.filter(awarded_on__isnull=False)
    assert [(label.cluster.slug, label.awarded_on) for label in dated] == [
        ("astrico-ne", date(2019, 10, 30))]


def test_facts_from_the_uefiscdi_report(seeded):
    cluj_it = Cluster.objects.get(slug="cluj-it")
    assert cluj_it.management_entity == "Asociația Cluj IT"
    assert cluj_it.members_total == 54
    assert cluj_it.region.slug == "nord-vest"
    assert Cluster.objects.get(slug="pro-wood").management_entity == "Asociația „KO-FA”"
    assert Cluster.objects.get(slug="elinclus").region.slug == "bucuresti-ilfov"
    assert Cluster.objects.get(slug="mechatrec").region.slug == "sud-vest-oltenia"
    assert set(ClusterMember.objects.values_list("organisation", flat=True)) == {
        "Salice Com Prod S.R.L.", "Napochim S.A.", "JRD Industries S.R.L."}
    assert not Cluster.objects.filter(slug="green-energy", members_total__isnull=False).exists()


def test_diacritics_survive(seeded):
    assert Cluster.objects.filter(city="Sfântu Gheorghe").count() == 2
    assert Cluster.objects.get(slug="astrico-ne").city == "Săvinești"
    assert Cluster.objects.get(slug="biogasinno").region.name_ro == "București-Ilfov"
    texts = [
        " ".join([c.name, c.city, c.management_entity, c.description])
        for c in Cluster.objects.all()
    ] + [s.name_ro for s in Sector.objects.all()] + [r.name_ro for r in Region.objects.all()]
    cedillas = [text for text in texts if set(text) & set("şţŞŢ")]
    assert cedillas == []
    assert Cluster.objects.filter(search_text__contains="sfantu gheorghe").count() == 2


def test_running_twice_changes_nothing(seeded, settings):
    first = snapshot()
    assert first["clusters.Cluster"]
    call_command("seed_demo", "--no-accounts")
    assert snapshot() == first


def test_existing_profiles_are_not_overwritten(seeded):
    Cluster.objects.filter(slug="rosenc").update(description="Editat de manager.")
    call_command("seed_demo", "--no-accounts")
    assert Cluster.objects.get(slug="rosenc").description == "Editat de manager."


def test_a_north_east_gap_has_an_offer_sharing_a_sector(seeded):
    gaps = ValueChainEntry.objects.filter(kind="gap", cluster__region__slug="nord-est")
    assert gaps.exists()
    matched = [
        (gap.cluster.slug, offer.cluster.slug)
        for gap in gaps
        for offer in ValueChainEntry.objects.filter(kind="offer",
                                                    sectors__in=gap.sectors.all())
        .exclude(cluster=gap.cluster).distinct()
    ]
    assert ("astrico-ne", "romanian-textile-concept") in matched
    assert ("imago-mol", "pentru-sanatate-dunarea-de-jos") in matched
    assert ("euronest-itc-hub", "cluj-it") in matched


def test_seed_demo_with_accounts_loads_the_clusters_too(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Cluster.objects.count() == len(CLUSTERS)
    assert f"Clusters: {len(CLUSTERS)}" in capsys.readouterr().out
