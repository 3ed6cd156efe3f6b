"""The events of the third ClusterPoliSEE e-newsletter (seed 001, autumn 2014) for `seed_demo`:
public facts, loaded with or without the demo accounts, like the clusters.

Only what the newsletter says: titles in its Romanian, dates, times, places, organisers and
the links it gives; descriptions are its own sentences (two slips corrected: "si" → "și",
"tari" → "țări"). What it does not say stays empty: no times for the conferences (all-day),
no venue beyond the city, no website for the V4Clusters matchmaking or the conferences it
gives none for. It names no cluster of the demo directory as taking part, so none is linked.

- The thematic debate of ClusterPoliSEE and Clustrat Strategic Project: Wednesday 8 October
  2014, 09:00-10:45 Brussels time, Committee of the Regions (Van Maerlandt Building, Room 1).
  The networking session after it (10:45-12:30, Foyer 6, JDE building) is in its description:
  the newsletter presents it as the debate's continuation, not a separate event.
- European Open Days 2014 (6-9 October), the European Cluster Conference (20-21 October,
  Brussels), the International Cluster Conference "Cross-linking clusters for innovation"
  (22 October, Vienna), the V4Clusters cluster matchmaking (4-5 November, Ostrava), the
  Startup Nations Summit 2014 (23-25 November, Seoul): from its "Evenimente" list.
- The International Clusters Conference in Romania (22-23 September 2014, Iași, organised by
  ADR Nord-Est): from its news, with the 29 speakers and 180 participants it reports.

Idempotent: each event has a fixed UID; one that exists already is left as it is."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from . import services
from .models import Event

# UIDs derive from this and the event's key, so they are the same on every machine (and in
# every calendar that imported an event's .ics).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://clusterpolicy.ro/demo/events/001")


@dataclass(frozen=True)
class DemoEvent:
    key: str
    title: str
    kind: str
    time_zone: str
    first_day: date
    last_day: date | None = None  # all-day events: the last day (inclusive)
    starts: time | None = None  # events with times: local start and end on first_day
    ends: time | None = None
    venue: str = ""
    city: str = ""
    country: str = ""
    organiser: str = ""
    website: str = ""
    description: str = ""

    @property
    def uid(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, self.key)

    def times(self) -> tuple[datetime, datetime, bool]:
        """(start, end, all_day): all-day events run from midnight to midnight after their
        last day (the end is exclusive), local time."""
        tz = ZoneInfo(self.time_zone)
        if self.starts is not None:
            return (datetime.combine(self.first_day, self.starts, tz),
                    datetime.combine(self.first_day, self.ends, tz), False)
        last = self.last_day or self.first_day
        return (datetime.combine(self.first_day, time.min, tz),
                datetime.combine(last + timedelta(days=1), time.min, tz), True)


DEBATE_TITLE = ("Promovarea inovării prin strategii interclustering și politici de "
                "specializare inteligentă")

EVENTS = [
    DemoEvent(
        key="open-days-2014-clusterpolisee-clustrat-debate",
        title=DEBATE_TITLE,
        kind=Event.Kind.WORKSHOP,
        time_zone="Europe/Brussels",
        first_day=date(2014, 10, 8), starts=time(9, 0), ends=time(10, 45),
        venue="Comitetul Regiunilor (Van Maerlandt Building, Room 1)",
        city="Bruxelles", country="BE",
        organiser="ClusterPoliSEE și Clustrat Strategic Project",
        website="http://www.clusterpolisee.eu/",
        description=(
            f'ClusterPoliSEE și Clustrat Strategic Project vor organiza în comun dezbaterea '
            f'tematică "{DEBATE_TITLE}" în cadrul următoarei ediții a European Open Days, 6-9 '
            f'octombrie 2014. Obiectivul principal al acestui workshop este de a facilita '
            f'discuția despre "mai buna guvernanță regională/națională/transnațională" '
            f'referitoare la politicile din domeniul clusterelor și strategiei specializării '
            f'inteligente.\n\n'
            f'Ca urmare a rezultatelor și produselor obținute în ambele proiecte, în timpul '
            f'dezbaterii va fi analizată contribuția "politicilor regionale inteligente" la '
            f'creșterea economică, crearea de noi locuri de muncă și dezvoltarea viitoare a '
            f'industriilor emergente și tehnologiilor-cheie.\n\n'
            f'Dezbaterea va fi urmată de o "sesiune de networking" în care participanții, '
            f'părți interesate internaționale și organizații regionale vor discuta despre '
            f'dezvoltarea și oportunitățile viitoare ale clusterelor. Sesiunea de networking '
            f'va continua de la 10:45 la 12:30 în Foaierul 6, clădirea JDE (Secretariatul '
            f'Open Days va ajuta participanții pentru efectuarea transferului).\n\n'
            f'Mai multe informații sunt disponibile pe site-ul ClusterPoliSEE '
            f'http://www.clusterpolisee.eu/ și Platforma ClusterPoliSEE S3 '
            f'http://www.clusterpolisees3.eu/.'),
    ),
    DemoEvent(
        key="european-open-days-2014",
        title="European Open Days 2014",
        kind=Event.Kind.CONFERENCE,
        time_zone="Europe/Brussels",
        first_day=date(2014, 10, 6), last_day=date(2014, 10, 9),
        city="Bruxelles", country="BE",
        website="http://www.clusterpolisee.eu/en/news-detail/European+Open+Days+2014+%E2%80%93"
                "+Bruxelles++6-9+October+_165",
        description=(
            f'În cadrul European Open Days 2014, ClusterPoliSEE și Clustrat Strategic Project '
            f'organizează în comun dezbaterea tematică "{DEBATE_TITLE}" (miercuri 8 '
            f'octombrie, orele 09:00 - 10:45, la sediul Comitetului Regiunilor).'),
    ),
    DemoEvent(
        key="european-cluster-conference-2014",
        title="Conferința Europeană a Clusterelor",
        kind=Event.Kind.CONFERENCE,
        time_zone="Europe/Brussels",
        first_day=date(2014, 10, 20), last_day=date(2014, 10, 21),
        city="Bruxelles", country="BE",
        website="http://clusterconference2014.eu/save-the-date.jsp",
    ),
    DemoEvent(
        key="cross-linking-clusters-for-innovation-2014",
        title="Conferința Internațională în domeniul clusterelor - conectarea clusterelor "
              "pentru Inovare",
        kind=Event.Kind.CONFERENCE,
        time_zone="Europe/Vienna",
        first_day=date(2014, 10, 22),
        city="Viena", country="AT",
        website="http://www.clusterpolisee.eu/en/eventdetail/INTERNATIONAL+CLUSTER+CONFERENCE"
                "+CROSS-LINKING+CLUSTERS+FOR+INNOVATION_176",
        description=(
            "Reunind experți din domeniul clusterelor din toată Europa, cu un accent special pe "
            "Regiunea Dunării și regiunea Mării Baltice, conferința va oferi ocazia de a "
            "împărtăși și de a găsi inspirație din diferite concepte de clustere în alte "
            "contexte regionale și de a învăța despre cooperarea interregională în UE, "
            "situația actuală și perspective."),
    ),
    DemoEvent(
        key="v4clusters-matchmaking-ostrava-2014",
        title="Eveniment de cluster matchmaking V4Clusters",
        kind=Event.Kind.MATCHMAKING,
        time_zone="Europe/Prague",
        first_day=date(2014, 11, 4), last_day=date(2014, 11, 5),
        city="Ostrava", country="CZ",
        organiser="Proiectul V4Clusters",
        description=(
            "Eveniment de cluster matchmaking organizat în cadrul proiectului V4Clusters care "
            "cuprinde parteneri din toate cele 4 țări Visegrad (Slovacia, Republica Cehă, "
            "Ungaria și Polonia). Scopul principal este ca clusterele conducătoare identificate "
            "în cele 4 țări Visegrad să-și prezinte planurile lor de acțiune în domeniul "
            "cooperării, care vor servi ca inputuri pentru programarea strategică V4 ulterioară "
            "care să reflecte nevoile de dezvoltare a clusterelor."),
    ),
    DemoEvent(
        key="startup-nations-summit-2014",
        title="Startup Nations Summit 2014",
        kind=Event.Kind.CONFERENCE,
        time_zone="Asia/Seoul",
        first_day=date(2014, 11, 23), last_day=date(2014, 11, 25),
        city="Seul", country="KR",
        website="http://startupnations2014.com/index.php",
        description="Antreprenorii sunt eroii moderni pentru a face lumea mai bună.",
    ),
    DemoEvent(
        key="international-clusters-conference-romania-2014",
        title="Conferința internațională a clusterelor în România: Clusterele și managementul "
              "cunoașterii în perspectiva Europa 2020",
        kind=Event.Kind.CONFERENCE,
        time_zone="Europe/Bucharest",
        first_day=date(2014, 9, 22), last_day=date(2014, 9, 23),
        city="Iași", country="RO",
        organiser="Agenția de Dezvoltare Regională Nord-Est",
        website="http://www.clusterpolisee.eu/en/newsdetail/International+Clusters+Conference"
                "+in+Romania%2C+22-23+September+2014_184",
        description=(
            "Agenția de Dezvoltare Regională Nord-Est, ca organizator, împreună cu Ministerul "
            "Economiei, Institutul de Prognoză Economică, Asociația Economie pentru Cunoaștere "
            "și Asociația Națională a Clusterelor din România, ca parteneri, au organizat "
            "Conferința internațională – Clusterele și managementul cunoașterii în perspectiva "
            "Europa 2020.\n\n"
            "Conferința a avut loc la Iași și a beneficiat de contribuția a 29 de vorbitori și "
            "participarea a 180 de persoane."),
    ),
]


@transaction.atomic
def seed_events() -> int:
    """Create the newsletter's events that do not exist yet (through the service, so they are
    checked like any other). Returns the number created."""
    existing = set(Event.objects.filter(uid__in=[e.uid for e in EVENTS])
                   .values_list("uid", flat=True))
    created = 0
    for demo in EVENTS:
        if demo.uid in existing:
            continue
        start, end, all_day = demo.times()
        services.event_create(
            by=None, uid=demo.uid, title=demo.title, kind=demo.kind, description=demo.description,
            start=start, end=end, time_zone=demo.time_zone, all_day=all_day, venue=demo.venue,
            city=demo.city, country=demo.country, organiser=demo.organiser,
            website=demo.website, visibility=Event.Visibility.PUBLIC, takes_registrations=False)
        created += 1
    return created
