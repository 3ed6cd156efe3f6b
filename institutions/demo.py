"""Demo data of the institutions database for `seed_demo`: the institutions the sources in
`/work/shared/seeds/` name, with what those sources say about them and nothing else.

- Descriptions (in Romanian, like the sources) state only what the seed cited next to each
  entry says. A website is given when the seed gives it, or when it is the institution's
  well-known official domain; otherwise it is left empty. So are city and region when the
  seeds do not state them.
- Country: the seeded countries are the 12 of ClusterPoliSEE (clusters.demo). European
  bodies, programmes and networks, which belong to no single country, get the entry "EU"
  (European Union, the code ISO 3166-1 reserves for it), created here when missing.
- Links: only where a seed makes them. UEFISCDI funded the 12 "Cluster inovativ" projects
  (seed 003) and so is linked to them and to their clusters; ADR Nord-Est analysed the
  North-East clusters of its pilot action (seed 004); ESCA labelled the clusters the seeds
  give an ESCA label (000, 003; the same list clusters.demo records).
- Not added: organisations of countries the portal does not list (GTZ, the Geneva
  association for the circular economy, the V4Clusters partners of the Visegrád countries),
  and names that are only events or reports (the European Cluster Panorama).
- Uncertain, kept visible: seed 001 names CLUSTERO's partner role in the Iași conference of
  22-23 September 2014 twice, as "Asociația Națională a Clusterelor din România" and as
  "Asociația Clusterelor din România" (same conference, same partner list): both are taken
  to be CLUSTERO. It names the knowledge-economy association twice too ("Asociația Economie
  pentru Cunoaștere", "Asociația pentru Promovarea Economiei Cunoașterii"): one entry.
  "IPE - România" (seed 001) is taken to be the Institutul de Prognoză Economică the same
  seed names as a conference partner; "MAG - Ungaria" is recorded only as "MAG".

Idempotent by slug: an institution is created (with its links) only when its slug does not
exist yet, so running the seed again changes nothing and never overwrites staff's edits.
"""

from dataclasses import dataclass, field

from django.db import transaction

from clusters.models import Cluster, Country, Region
from projects.demo import COMPETITION_SLUG
from projects.models import Project

from .models import Institution

Kind = Institution.Kind

# The country entry of European bodies and programmes: code, Romanian, English.
EU = "EU"
EU_COUNTRY = (EU, "Uniunea Europeană", "European Union")

# The North-East clusters of ADR Nord-Est's pilot action (seed 004): the four "productive"
# ones analysed, then the three that only take part in the follow-up.
NORTH_EAST_CLUSTERS = ["ind-agro-pol", "astrico-ne", "euronest-itc-hub", "iconic-new-media",
                       "imago-mol", "bio-rone", "apt-cluster-de-turism"]


def _esca_labelled_clusters() -> list[str]:
    """The seeded clusters with an ESCA label (seeds 000 and 003, as clusters.demo has them)."""
    from clusters.demo import CLUSTERS

    return [seed.slug for seed in CLUSTERS if seed.labels]


@dataclass
class Seed:
    slug: str
    name: str
    kind: str
    country: str = EU  # ISO code
    acronym: str = ""
    region: str = ""  # region slug
    city: str = ""
    website: str = ""
    description: str = ""
    clusters: list[str] = field(default_factory=list)  # cluster slugs
    # Project slugs, or True for every project of the "Cluster inovativ" competition.
    projects: list[str] | bool = field(default_factory=list)
    # Also link the clusters of the linked projects.
    project_clusters: bool = False
    # Also link the seeded clusters that hold an ESCA label.
    esca_labelled: bool = False


INSTITUTIONS = [
    # --- Romania: ministries and agencies --------------------------------------------------
    # seed 003 (the report's cover and preamble)
    Seed(
        slug="uefiscdi", name="Unitatea Executivă pentru Finanțarea Învățământului Superior, "
        "a Cercetării, Dezvoltării și Inovării", acronym="UEFISCDI", kind=Kind.FUNDING_AGENCY,
        country="RO", website="https://uefiscdi.gov.ro/",
        description=(
            "Agenția de finanțare care a derulat competiția „Organizare și dezvoltare cluster "
            "– Cluster Inovativ” 2018-2019 (subprogramul 2.1, Planul Național de Cercetare "
            "Dezvoltare și Inovare): 16 proiecte depuse, 12 finanțate. La solicitarea ei, "
            "directorii proiectelor au raportat stadiul implementării la 31 decembrie 2019."
        ),
        projects=True, project_clusters=True,
    ),
    # seed 003 (the name heading the UEFISCDI report)
    Seed(
        slug="ministerul-educatiei-si-cercetarii", name="Ministerul Educației și Cercetării",
        kind=Kind.MINISTRY, country="RO",
        description=(
            "Ministerul al cărui nume deschide raportul UEFISCDI „Stadiul proiectelor Cluster "
            "inovativ la 31.12.2019”."
        ),
    ),
    # seeds 000 and 001
    Seed(
        slug="ministerul-economiei", name="Ministerul Economiei", kind=Kind.MINISTRY,
        country="RO", website="http://www.economie.gov.ro/",
        description=(
            "În 2009, Direcția pentru politici industriale a ministerului a elaborat o "
            "strategie industrială bazată pe poli de competitivitate și clustere; în 2010 a "
            "lansat proiectul INOVCLUSTER (ghidul pentru implementarea conceptului de cluster "
            "inovativ în cele 8 regiuni de dezvoltare). Partener al conferinței „Clusterele și "
            "managementul cunoașterii în perspectiva Europa 2020” (Iași, 22-23 septembrie 2014)."
        ),
    ),
    # seed 001 (news: the first youth tourism cluster)
    Seed(
        slug="departamentul-imm-afaceri-turism",
        name="Departamentul pentru Întreprinderi Mici și Mijlocii, Afaceri și Turism",
        kind=Kind.OTHER, country="RO", city="București",
        description=(
            "A organizat la București, la 11 septembrie 2014, conferința „Tinerii întâlnesc "
            "turismul, clusterele și inovarea”, la care a fost lansat primul cluster de turism "
            "din lume dedicat tineretului."
        ),
    ),
    # seeds 001 and 004
    Seed(
        slug="adr-nord-est", name="Agenția de Dezvoltare Regională Nord-Est",
        acronym="ADR Nord-Est", kind=Kind.REGIONAL_AGENCY, country="RO", region="nord-est",
        website="https://www.adrnordest.ro/",
        description=(
            "A analizat în 2013 profilul clusterelor din Regiunea Nord-Est și, în 2014, a "
            "implementat în proiectul ClusterPoliSEE o acțiune pilot privind verigile lipsă din "
            "lanțurile valorice ale clusterelor regionale, cu întâlniri B2B și evenimente "
            "cluster-to-cluster. A organizat Conferința internațională a clusterelor în "
            "România (Iași, 22-23 septembrie 2014)."
        ),
        clusters=NORTH_EAST_CLUSTERS,
    ),
    # --- Romania: research, associations ----------------------------------------------------
    # seed 001
    Seed(
        slug="institutul-de-prognoza-economica", name="Institutul de Prognoză Economică",
        acronym="IPE", kind=Kind.RESEARCH_INSTITUTE, country="RO",
        description=(
            "Partener ClusterPoliSEE care, după cele șase acțiuni pilot, și-a ales și a început "
            "propria acțiune pilot. Partener al conferinței „Clusterele și managementul "
            "cunoașterii în perspectiva Europa 2020” (Iași, septembrie 2014)."
        ),
    ),
    # seeds 000 and 001
    Seed(
        slug="clustero", name="Asociația Clusterelor din România", acronym="CLUSTERO",
        kind=Kind.CLUSTER_ASSOCIATION, country="RO", website="http://www.clustero.eu/",
        description=(
            "Asociația clusterelor din România, creată în 2011 (42 de membri la data "
            "prezentării din care provin aceste date). Partener în proiectul ECO-Partner "
            "(Programul de Cooperare Elvețiano-Român) și al conferinței de la Iași din "
            "septembrie 2014."
        ),
    ),
    # seed 001 (named twice, see the module's docstring)
    Seed(
        slug="asociatia-pentru-promovarea-economiei-cunoasterii",
        name="Asociația pentru Promovarea Economiei Cunoașterii", kind=Kind.OTHER,
        country="RO",
        description=(
            "Partener al conferinței „Clusterele și managementul cunoașterii în perspectiva "
            "Europa 2020” (Iași, septembrie 2014; 29 de vorbitori, 180 de participanți)."
        ),
    ),
    # seed 000
    Seed(
        slug="cnpcd", name="Centrul Național pentru Producție și Consum Durabile",
        acronym="CNPCD", kind=Kind.OTHER, country="RO", website="http://www.cnpcd.ro/",
        description=(
            "Partener, alături de CLUSTERO, în proiectul ECO-Partner (Programul de Cooperare "
            "Elvețiano-Român), al cărui obiectiv principal este crearea Rețelei Naționale de "
            "Eco-Inovare – Green Club."
        ),
    ),
    # seeds 003 and 004 (the Regio logo on ADR Nord-Est's text; IND-AGRO-POL's application)
    Seed(
        slug="programul-operational-regional", name="Programul Operațional Regional",
        acronym="Regio", kind=Kind.EU_PROGRAMME, country="RO",
        description=(
            "„Inițiativă locală. Dezvoltare regională.” Clusterul IND-AGRO-POL a depus o cerere "
            "de finanțare în cadrul POR 2014-2020 – Regiunea Sud Muntenia."
        ),
    ),
    # --- Other countries --------------------------------------------------------------------
    # seed 001
    Seed(
        slug="corallia", name="Corallia Clusters Initiative", acronym="Corallia",
        kind=Kind.CLUSTER_ASSOCIATION, country="GR", city="Atena",
        website="http://www.corallia.org/",
        description=(
            "A coordonat cele șase acțiuni pilot ClusterPoliSEE (ianuarie-iunie 2014). Este "
            "menționată printre cele mai reușite realizări ale politicii de coeziune a UE în "
            "Grecia."
        ),
    ),
    # seed 004 ("Regiunea Marche Italia, coordonatorul proiectului Cluster Poli SEE")
    Seed(
        slug="regione-marche", name="Regione Marche", kind=Kind.REGIONAL_AGENCY,
        country="IT", website="https://www.regione.marche.it/",
        description=(
            "Regiunea Marche din Italia, coordonatorul proiectului ClusterPoliSEE. A angajat "
            "consultanții externi care au evaluat acțiunea pilot a ADR Nord-Est."
        ),
    ),
    # seed 001
    Seed(
        slug="mag", name="MAG", acronym="MAG", kind=Kind.OTHER, country="HU",
        description=(
            "Partener ClusterPoliSEE din Ungaria care, după cele șase acțiuni pilot, și-a ales "
            "și a început propria acțiune pilot."
        ),
    ),
    # seed 001
    Seed(
        slug="pannon-business-network", name="Pannon Business Network Association",
        kind=Kind.OTHER, country="HU",
        description=(
            "S-a alăturat rețelei Centrelor de Transfer Dunărene (DTC) de transfer de inovare "
            "și tehnologie; a participat la evenimentul de cluster matchmaking V4Clusters de la "
            "Gliwice."
        ),
    ),
    # --- European level ---------------------------------------------------------------------
    # seed 001 (the debate of 8 October 2014 at its seat)
    Seed(
        slug="comitetul-european-al-regiunilor", name="Comitetul European al Regiunilor",
        acronym="CoR", kind=Kind.EU_BODY, city="Bruxelles", website="https://cor.europa.eu/",
        description=(
            "La sediul său (Van Maerlandt Building, Room 1) a avut loc, la 8 octombrie 2014, "
            "dezbaterea „Promovarea inovării prin strategii interclustering și politici de "
            "specializare inteligentă” a ClusterPoliSEE și Clustrat, în cadrul European Open "
            "Days 2014."
        ),
    ),
    # seeds 000 and 003
    Seed(
        slug="esca", name="European Secretariat for Cluster Analysis", acronym="ESCA",
        kind=Kind.OTHER, website="https://www.cluster-analysis.org/",
        description=(
            "Secretariatul European pentru Analiza Clusterelor acordă clusterelor etichete de "
            "excelență în managementul de cluster: aur, argint și bronz. European Cluster "
            "Panorama a identificat 3.043 de clustere, dintre care 1.136 etichetate ESCA; în "
            "România, 33 din 74 de poli de competitivitate și clustere."
        ),
        esca_labelled=True,
    ),
    # seeds 001 and 002
    Seed(
        slug="clusterpolisee", name="ClusterPoliSEE", kind=Kind.EU_PROGRAMME,
        website="http://www.clusterpolisee.eu/",
        description=(
            "Proiect al programului Europa de Sud-Est, cu 25 de parteneri din 12 țări, care "
            "urmărește politici de cluster mai inteligente prin strategii de specializare "
            "inteligentă. Are șase grupuri de lucru și platforma de învățare a politicilor de "
            "cluster (www.clusterpoliseeS3.eu)."
        ),
    ),
    # seed 002
    Seed(
        slug="programul-europa-de-sud-est", name="Programul Europa de Sud-Est",
        acronym="SEE", kind=Kind.EU_PROGRAMME,
        description=(
            "Programul din care face parte proiectul ClusterPoliSEE, cu parteneri din 12 țări "
            "ale Sud-Estului Europei."
        ),
    ),
    # seed 001
    Seed(
        slug="clustrat", name="Clustrat Strategic Project", acronym="Clustrat",
        kind=Kind.EU_PROGRAMME,
        description=(
            "A organizat împreună cu ClusterPoliSEE dezbaterea tematică de la European Open "
            "Days 2014 (Bruxelles, 8 octombrie 2014)."
        ),
    ),
    # seed 001
    Seed(
        slug="start-danube-region-project-fund", name="START – Danube Region Project Fund",
        acronym="START", kind=Kind.EU_PROGRAMME,
        description=(
            "Inițiativă pilot a Strategiei UE pentru Regiunea Dunării (EUSDR) care oferă "
            "fonduri de inițializare pentru dezvoltarea proiectelor din Regiunea Dunării."
        ),
    ),
    # seed 000
    Seed(
        slug="danubiovalnet", name="DanuBioValNet", kind=Kind.EU_PROGRAMME,
        description=(
            "Proiect Interreg Danube: parteneriat inter-clustere pentru stimularea "
            "eco-inovării prin dezvoltarea unei rețele comune cu valoare adăugată bazată pe "
            "bio pentru regiunea Dunării."
        ),
    ),
    # seed 000 (programmes in which Romanian clusters are partners in projects)
    Seed(
        slug="interreg-danube", name="Interreg Danube", kind=Kind.EU_PROGRAMME,
        website="https://www.interreg-danube.eu/",
        description=("Program european în care clusterele românești sunt parteneri în "
                     "proiecte. DanuBioValNet este un proiect Interreg Danube."),
    ),
    Seed(
        slug="interreg-europe", name="Interreg Europe", kind=Kind.EU_PROGRAMME,
        website="https://www.interregeurope.eu/",
        description="Program european în care clusterele românești sunt parteneri în proiecte.",
    ),
    # seeds 000 and 003
    Seed(
        slug="horizon-2020", name="Horizon 2020", acronym="H2020", kind=Kind.EU_PROGRAMME,
        description=(
            "Program european în care clusterele românești sunt parteneri în proiecte. "
            "IND-AGRO-POL a depus o ofertă de proiect ca partener la topicul "
            "INNOSUP-01-2018-2020."
        ),
    ),
    # seed 000
    Seed(
        slug="adriatic-danubian-clustering", name="Adriatic Danubian Clustering",
        acronym="ADC", kind=Kind.CLUSTER_ASSOCIATION,
        description="Rețea europeană de clustere din care fac parte clustere românești.",
    ),
]


def _create(seed: Seed, countries: dict, regions: dict) -> Institution:
    institution = Institution(
        slug=seed.slug, name=seed.name, acronym=seed.acronym, kind=seed.kind,
        country=countries[seed.country], region=regions.get(seed.region), city=seed.city,
        website=seed.website, description=seed.description, is_published=True,
    )
    institution.full_clean()
    institution.save()
    if seed.projects is True:
        projects = list(Project.objects.filter(competition__slug=COMPETITION_SLUG))
    else:
        projects = list(Project.objects.filter(slug__in=seed.projects))
    institution.projects.set(projects)
    slugs = [*seed.clusters, *(_esca_labelled_clusters() if seed.esca_labelled else [])]
    clusters = set(Cluster.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    if seed.project_clusters:
        clusters |= {project.cluster_id for project in projects}
    institution.clusters.set(sorted(clusters))
    return institution


@transaction.atomic
def seed_institutions() -> list[str]:
    """Create the seeded institutions whose slug does not exist yet, published, linked to the
    seeded clusters and projects that exist; leave existing ones untouched. Run it after the
    clusters and the projects. Returns the slugs created."""
    code, name_ro, name_en = EU_COUNTRY
    Country.objects.get_or_create(code=code, defaults={"name_ro": name_ro, "name_en": name_en})
    countries = {c.code: c for c in Country.objects.all()}
    regions = {r.slug: r for r in Region.objects.all()}
    existing = set(Institution.objects.filter(slug__in=[s.slug for s in INSTITUTIONS])
                   .values_list("slug", flat=True))
    created = []
    for seed in INSTITUTIONS:
        if seed.slug not in existing:
            _create(seed, countries, regions)
            created.append(seed.slug)
    return created
