"""Reference data and real Romanian clusters for `seed_demo`: public facts from the sources in
`/work/shared/seeds/`, nothing invented. A field the sources do not give is left empty.

Where each fact comes from:

- Countries: the 12 South-East-European countries of ClusterPoliSEE (seed 002 counts 12;
  the seeds do not list them, so the list is the project's agreed one). Slovakia appears in
  seed 001 only as a Visegrád partner of V4Clusters and Moldova not at all: neither is added.
- Regions: Romania's eight development regions (NUTS 2 codes), named as in DOMAIN.md.
- Sectors: the S3 domains of the UEFISCDI report (seed 003, column "Domeniu") and the
  sectors the CLUSTERO talk (seed 000) adds.
- Clusters:
  * seed 000 (CLUSTERO talk, "Clustere românești din domeniile energie-mediu; bioeconomie"):
    name, city, ESCA label level (no dates). Their sector is the one their name or seed 003
    states; otherwise both domains of that heading (energie-mediu, bioeconomie).
  * seed 003 (UEFISCDI, "Stadiul proiectelor Cluster inovativ la 31.12.2019", 12 projects):
    coordinator (= management entity), number of cluster members, region ("Sud" is
    Sud-Muntenia, "Bucuresti" București-Ilfov), domain, website (the root of the project
    site when it is on the cluster's own domain; IND-AGRO-POL's pages on inma.ro as given;
    none for SANINFO's project site), the objectives and results the descriptions
    paraphrase, labels won (not those being prepared), the one audit date it gives (ASTRICO
    NE, 30 October 2019, recorded as the label's assessment date), members it names, the
    networks it names, the offers it describes and IMAGO-MOL's search for partners (a gap).
  * seed 004 (ADR Nord-Est): the North-East clusters, the four "productive" ones analysed for
    missing links in their value chains (their gaps) and the three that only take part in the
    follow-up. Their sector is the one their name states (Euronest IT&C Hub, ICONIC New Media,
    APT Cluster de Turism); Bio-RONE's is not stated and is left empty.
- Uncertain, kept visible: IND-AGRO-POL's region is "Sud" in seed 003 although seed 004
  counts it among the North-East clusters (003's region is used); "Cluj" (seed 000) is taken
  as the city Cluj-Napoca; "AGROFOOD Covasna" as the town Covasna; Green Solutions Lower
  Danube has no stated place and is put in Sud-Est (the Lower Danube, "Dunărea de Jos")
  only because a cluster needs a region.

Idempotent: reference data is created or corrected by code/slug; a cluster is created with
its labels, members, offers and gaps only when its slug does not exist yet, so running the
seed again changes nothing and never overwrites a profile its managers have edited since.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from .models import (
    Cluster,
    ClusterChange,
    ClusterLabel,
    ClusterMember,
    Country,
    Region,
    Sector,
    ValueChainEntry,
)

# --- Reference data ------------------------------------------------------------------------

COUNTRIES = [
    # code, Romanian, English
    ("RO", "România", "Romania"),
    ("AL", "Albania", "Albania"),
    ("AT", "Austria", "Austria"),
    ("BA", "Bosnia și Herțegovina", "Bosnia and Herzegovina"),
    ("BG", "Bulgaria", "Bulgaria"),
    ("HR", "Croația", "Croatia"),
    ("GR", "Grecia", "Greece"),
    ("HU", "Ungaria", "Hungary"),
    ("IT", "Italia", "Italy"),
    ("ME", "Muntenegru", "Montenegro"),
    ("RS", "Serbia", "Serbia"),
    ("SI", "Slovenia", "Slovenia"),
]

REGIONS = [
    # NUTS 2 code, slug, Romanian, English (all in Romania)
    ("RO11", "nord-vest", "Nord-Vest", "North-West"),
    ("RO12", "centru", "Centru", "Centre"),
    ("RO21", "nord-est", "Nord-Est", "North-East"),
    ("RO22", "sud-est", "Sud-Est", "South-East"),
    ("RO31", "sud-muntenia", "Sud-Muntenia", "South-Muntenia"),
    ("RO32", "bucuresti-ilfov", "București-Ilfov", "Bucharest-Ilfov"),
    ("RO41", "sud-vest-oltenia", "Sud-Vest Oltenia", "South-West Oltenia"),
    ("RO42", "vest", "Vest", "West"),
]

SECTORS = [
    # slug, Romanian, English
    # The S3 domains of the UEFISCDI report (seed 003).
    ("bioeconomie", "Bioeconomie", "Bioeconomy"),
    ("energie-mediu-schimbari-climatice", "Energie, mediu și schimbări climatice",
     "Energy, environment and climate change"),
    ("textile-pielarie", "Textile și pielărie", "Textiles and leather"),
    ("lemn-mobila", "Lemn și mobilă", "Wood and furniture"),
    ("eco-nano-tehnologii-materiale-avansate", "Eco-nano-tehnologii și materiale avansate",
     "Eco-nano-technologies and advanced materials"),
    ("tic-spatiu-securitate",
     "Tehnologia informației și a comunicațiilor, spațiu și securitate",
     "Information and communication technology, space and security"),
    ("sanatate", "Sănătate (inclusiv știința medicamentului)",
     "Health (including pharmaceutical science)"),
    # The sectors the CLUSTERO talk (seed 000) adds.
    ("turism-ecoturism", "Turism și ecoturism", "Tourism and ecotourism"),
    ("sectoare-creative-culturale", "Sectoare creative și culturale",
     "Cultural and creative sectors"),
    ("auto-componente", "Auto și componente", "Automotive and components"),
    ("agroalimentar", "Agroalimentar", "Agri-food"),
    ("energie", "Energie", "Energy"),
    ("aviatie", "Aviație", "Aviation"),
    ("mecatronica", "Mecatronică", "Mechatronics"),
    ("electronica", "Electronică", "Electronics"),
    ("constructii", "Construcții", "Construction"),
    ("transport-maritim", "Transport maritim", "Maritime transport"),
    ("logistica", "Logistică", "Logistics"),
]


def _upsert(model, lookup: dict, values: dict):
    """Create the row, or correct the fields that differ; saves nothing when all agree."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
    return obj


@transaction.atomic
def seed_reference_data() -> dict[str, int]:
    """Countries, Romania's development regions and the sectors. Returns how many of each
    the seed defines."""
    countries = {
        code: _upsert(Country, {"code": code}, {"name_ro": ro, "name_en": en})
        for code, ro, en in COUNTRIES
    }
    for code, slug, ro, en in REGIONS:
        _upsert(Region, {"code": code},
                {"slug": slug, "name_ro": ro, "name_en": en, "country": countries["RO"]})
    for slug, ro, en in SECTORS:
        _upsert(Sector, {"slug": slug}, {"name_ro": ro, "name_en": en})
    return {"countries": len(COUNTRIES), "regions": len(REGIONS), "sectors": len(SECTORS)}


# --- Clusters ------------------------------------------------------------------------------

SRC_000 = ("Prezentare CLUSTERO (seed 000): clustere românești din domeniile energie-mediu; "
           "bioeconomie")
SRC_003 = "Raport UEFISCDI „Stadiul proiectelor Cluster inovativ”, stadiul la 31.12.2019 (seed 003)"
SRC_004 = "ADR Nord-Est, acțiunea pilot ClusterPoliSEE (seed 004)"

# The heading under which seed 000 lists its clusters.
ENERGY_BIO = ["energie-mediu-schimbari-climatice", "bioeconomie"]


def _clustero(city: str) -> str:
    return (f"Cluster din {city}, numit în prezentarea CLUSTERO (Asociația Clusterelor din "
            "România) printre clusterele românești din domeniile energie-mediu și bioeconomie.")


NE_PILOT = (
    "Analiza profilului clusterelor regionale realizată de ADR Nord-Est în 2013 a arătat că "
    "cele mai mari probleme comune ale clusterelor din regiune sunt nevoia de a întregi "
    "lanțul valoric cu noi membri și nevoia de a deveni mai interactive între ele, astfel "
    "încât să-și poată furniza unul altuia produse și servicii. Acțiunea pilot ClusterPoliSEE "
    "(ianuarie-iunie 2014) caută verigile lipsă din lanțul valoric care împiedică clusterul "
    "să exceleze pe piețele existente sau să acceseze noi piețe, mai specializate, și un "
    "bazin de potențiali parteneri care să furnizeze input-ul necesar, prin întâlniri B2B "
    "sectoriale și evenimente cluster-to-cluster."
)

NE_PRODUCTIVE = (
    "Unul dintre cele 4 clustere productive ale Regiunii Nord-Est (Ind-Agro-Pol, Astrico NE, "
    "Euronest IT&C Hub și ICONIC New Media) analizate de ADR Nord-Est în acțiunea pilot "
    "ClusterPoliSEE (ianuarie-iunie 2014): verigile lipsă din lanțul valoric, un bazin de "
    "potențiali parteneri, întâlniri B2B sectoriale și evenimente cluster-to-cluster."
)

NE_FOLLOW_UP = (
    "Cluster din Regiunea Nord-Est. Potrivit ADR Nord-Est, ia parte doar la activitățile de "
    "dezvoltare și follow-up ale acțiunii pilot ClusterPoliSEE (2014) privind verigile lipsă "
    "din lanțul valoric al clusterelor regionale."
)


@dataclass
class Label:
    level: str
    source_note: str
    awarded_on: date | None = None


@dataclass
class Entry:
    title: str
    description: str
    sectors: list[str]
    keywords: str


@dataclass
class Seed:
    slug: str
    name: str
    region: str
    acronym: str = ""
    city: str = ""
    sectors: list[str] = field(default_factory=list)
    management_entity: str = ""
    members_total: int | None = None
    website: str = ""
    s3_priority_areas: str = ""
    description: str = ""
    other_networks: str = ""
    labels: list[Label] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)  # organisation, helix
    offers: list[Entry] = field(default_factory=list)
    gaps: list[Entry] = field(default_factory=list)


def _gap_ne(title: str, sectors: list[str], keywords: str) -> Entry:
    return Entry(title, NE_PILOT, sectors, keywords)


CLUSTERS = [
    # --- Seed 000 (CLUSTERO talk) only ---
    # seed 000: "Green Energy Sfantu Gheorghe (silver)"
    Seed(
        slug="green-energy", name="Green Energy", region="centru", city="Sfântu Gheorghe",
        sectors=["energie-mediu-schimbari-climatice"],
        description=_clustero("Sfântu Gheorghe"),
        labels=[Label("silver", SRC_000)],
    ),
    # seed 000: "ETREC Sacele Brasov (silver)"
    Seed(
        slug="etrec", name="ETREC", region="centru", city="Săcele",
        sectors=ENERGY_BIO,
        description=_clustero("Săcele, județul Brașov"),
        labels=[Label("silver", SRC_000)],
    ),
    # seed 000: "CLEMS Cluj (bronz)"
    Seed(
        slug="clems", name="CLEMS", region="nord-vest", city="Cluj-Napoca",
        sectors=ENERGY_BIO, description=_clustero("Cluj"),
        labels=[Label("bronze", SRC_000)],
    ),
    # seed 000: "ROSENC Timisoara (silver)"
    Seed(
        slug="rosenc", name="ROSENC", region="vest", city="Timișoara",
        sectors=ENERGY_BIO, description=_clustero("Timișoara"),
        labels=[Label("silver", SRC_000)],
    ),
    # seed 000: "APP Timisoara (bronz)"
    Seed(
        slug="app-timisoara", name="APP", region="vest", city="Timișoara",
        sectors=ENERGY_BIO, description=_clustero("Timișoara"),
        labels=[Label("bronze", SRC_000)],
    ),
    # seed 000: "CERMAND Targoviste" (no label)
    Seed(
        slug="cermand", name="CERMAND", region="sud-muntenia",
        city="Târgoviște", sectors=ENERGY_BIO, description=_clustero("Târgoviște"),
    ),
    # seed 000: "BIOGASINNO Bucuresti" (no label)
    Seed(
        slug="biogasinno", name="BIOGASINNO", region="bucuresti-ilfov",
        city="București", sectors=ENERGY_BIO, description=_clustero("București"),
    ),
    # seed 000: "MED GREEN Pole Constanta" (no label)
    Seed(
        slug="med-green-pole", name="MED GREEN Pole", region="sud-est", city="Constanța",
        sectors=ENERGY_BIO, description=_clustero("Constanța"),
    ),
    # seed 000: "Agro Transilvania Cluj (gold)"
    Seed(
        slug="agro-transilvania-cluster", name="Agro Transilvania", region="nord-vest",
        city="Cluj-Napoca", sectors=["bioeconomie", "agroalimentar"],
        description=_clustero("Cluj"),
        labels=[Label("gold", SRC_000)],
    ),
    # seed 000: "AGROFOOD Covasna" (no label); Covasna taken as the town.
    Seed(
        slug="agrofood", name="AGROFOOD", region="centru", city="Covasna",
        sectors=["bioeconomie", "agroalimentar"], description=_clustero("Covasna"),
    ),
    # seed 000: "Green Solutions Lower Danube" (no label, no place: region Sud-Est assumed).
    Seed(
        slug="green-solutions-lower-danube", name="Green Solutions Lower Danube",
        region="sud-est", sectors=ENERGY_BIO,
        description=("Cluster numit în prezentarea CLUSTERO (Asociația Clusterelor din "
                     "România) printre clusterele românești din domeniile energie-mediu și "
                     "bioeconomie."),
    ),

    # --- Seed 003 (UEFISCDI report), with 000 and 004 where they name the cluster ---
    # seed 003 project 1 CLS/INOV-TREC; seed 000: "TREC Cluj (silver)"
    Seed(
        slug="trec", name="Transylvania Energy Cluster", acronym="TREC", region="nord-vest",
        city="Cluj-Napoca", sectors=["energie-mediu-schimbari-climatice"],
        management_entity="Asociația „Cluster T.R.E.C. - Transylvania Energy Cluster”",
        members_total=32, website="http://www.transylvaniaenergycluster-trec.ro",
        s3_priority_areas="Energie, mediu și schimbări climatice",
        description=(
            "Clusterul T.R.E.C. urmărește un cadru eficient de cooperare între membrii săi, "
            "pentru beneficii tangibile, creșterea eficienței energetice și protecția mediului "
            "înconjurător, prin dezvoltarea de produse inovative și de activități de "
            "consultanță în domeniul inovării. Prin proiectul 1 CLS/INOV-TREC (UEFISCDI, "
            "2018-2020) a elaborat agenda strategică de cercetare-dezvoltare și inovare și o "
            "bancă de date cu serviciile și oferta membrilor; au fost atrași 3 membri noi. "
            "Prezentarea CLUSTERO îl numește printre clusterele românești din domeniile "
            "energie-mediu și bioeconomie."
        ),
        labels=[Label("silver", SRC_000)],
        offers=[Entry(
            "Produse inovative și consultanță în inovare pentru eficiență energetică",
            "Produse inovative și activități de consultanță în domeniul inovării, pentru "
            "creșterea eficienței energetice și protecția mediului; oferta membrilor este "
            "strânsă într-o bancă de date a clusterului (proiectul 1 CLS/INOV-TREC).",
            ["energie-mediu-schimbari-climatice"],
            "eficiență energetică, protecția mediului, consultanță în inovare, "
            "transfer tehnologic",
        )],
    ),
    # seed 003 project 2 CLS/INDAGRO (region "Sud"); seed 000: "IND AGRO POL (silver)";
    # seed 004 counts it among the North-East clusters.
    Seed(
        slug="ind-agro-pol", name="IND-AGRO-POL",
        region="sud-muntenia", sectors=["bioeconomie", "agroalimentar"],
        management_entity="Asociația IND-AGRO-POL", members_total=100,
        website="http://www.inma.ro/indagropol/index_files_ro/proiecte.htm",
        s3_priority_areas="Bioeconomie",
        description=(
            "Cluster de inovare din sectorul agro-industrial și din sectoare conexe. Prin "
            "proiectul 2 CLS/INDAGRO (UEFISCDI, 2017-2020) și-a stabilit obiective comune de "
            "CDI pentru membrii din Regiunea Sud-Muntenia, pe trei direcții de CDI, și urmărește "
            "conectarea și integrarea în lanțuri de valoare și rețele europene și "
            "internaționale din domeniul agro-industrial. ADR Nord-Est îl numără printre cele 4 "
            "clustere productive analizate în acțiunea sa pilot ClusterPoliSEE (2014)."
        ),
        labels=[Label("silver", f"{SRC_003}; {SRC_000}")],
        offers=[Entry(
            "Produse, tehnologii și servicii agro-industriale dezvoltate în cluster",
            "Banca de date cu oferta de produse, tehnologii și servicii ce urmează a fi "
            "dezvoltate în cadrul clusterului, pe cele trei direcții de CDI ale agendei "
            "strategice (proiectul 2 CLS/INDAGRO).",
            ["bioeconomie", "agroalimentar"],
            "agro-industrial, produse, tehnologii, servicii",
        )],
        gaps=[_gap_ne("Verigi lipsă în lanțul valoric agro-industrial: noi membri și parteneri",
                      ["bioeconomie", "agroalimentar"],
                      "lanț valoric, noi membri, agro-industrial, B2B, cluster-to-cluster")],
    ),
    # seed 003 project 3 CLS/Ino Tex (region "Sud"). The ESCA audit "pentru reconfirmarea
    # nivelului de excelență" names no level: no label recorded.
    Seed(
        slug="romanian-textile-concept", name="Romanian Textile Concept", acronym="RTxC",
        region="sud-muntenia", sectors=["textile-pielarie"],
        management_entity="Asociația Romanian Textile Concept", members_total=61,
        website="http://www.romanian-textile.ro", s3_priority_areas="Textile și pielărie",
        description=(
            "Clusterul Romanian Textile Concept (RTxC) sprijină IMM-urile din sectorul "
            "textilelor din Regiunea Sud-Muntenia. Prin proiectul 3 CLS/Ino Tex (UEFISCDI, "
            "2018-2020) și-a elaborat agenda strategică CDI și planul de acțiune până în 2023, "
            "urmărind creșterea gradului de (eco-)inovare al întreprinderilor în vederea "
            "implementării conceptului de economie circulară și integrarea în lanțuri și "
            "rețele europene și internaționale din domeniul textil. A realizat un studiu "
            "privind valorificarea superioară a deșeurilor textile și un audit ESCA pentru "
            "reconfirmarea nivelului de excelență."
        ),
        offers=[
            Entry(
                "Valorificarea deșeurilor textile: studiu și bază de date",
                "Studiu privind valorificarea superioară a deșeurilor textile (importanța și "
                "metodele de valorificare pentru obținerea de noi produse) și o bază de date "
                "privind deșeurile textile rezultate din procesul de producție "
                "(proiectul 3 CLS/Ino Tex).",
                ["textile-pielarie"],
                "deșeuri textile, economie circulară, eco-inovare, textile",
            ),
            Entry(
                "Audit tehnologic și de inovare și mentorat pentru firme textile",
                "Servicii de auditare tehnologică și de inovare și de mentorat/coaching de "
                "specialitate: 21 de audituri de tip business review, cinci audituri "
                "specializate de inovare, un competence mapping și audituri de eco-inovare "
                "(proiectul 3 CLS/Ino Tex).",
                ["textile-pielarie"],
                "audit de inovare, mentorat, coaching, eco-inovare, textile",
            ),
        ],
    ),
    # seed 003 project 4 CLS/CATINN. "ESCA Silver Label" is an ongoing activity, not won.
    Seed(
        slug="transylvania-textile-fashion", name="Transylvania Textile & Fashion",
        region="centru", sectors=["textile-pielarie"],
        management_entity="Asociația Profesională Transylvania Textile & Fashion",
        members_total=32, website="http://transylvaniatextile.eu",
        s3_priority_areas="Textile și pielărie",
        description=(
            "Clusterul Transylvania Textile & Fashion, din Regiunea Centru, și-a elaborat prin "
            "proiectul 4 CLS/CATINN (UEFISCDI, 2018-2020) agenda strategică de CDI, parte "
            "integrantă a strategiei de dezvoltare a clusterului, asumată de toți membrii. "
            "Are grupuri de lucru CDI, Lemn-textile și IT-textile; 21 de membri au beneficiat "
            "de audituri ale capacității de inovare și două firme de competence mapping."
        ),
        offers=[Entry(
            "Produse textile și de modă create sau îmbunătățite de membri",
            "Membrii clusterului prezintă produse noi sau îmbunătățite la evenimente ale "
            "clusterului; proiectul 4 CLS/CATINN a realizat un studiu de piață pentru produse "
            "noi.",
            ["textile-pielarie"],
            "textile, modă, produse noi",
        )],
    ),
    # seed 003 project 5 CLS/CM
    Seed(
        slug="cluster-mobilier-transilvan", name="Cluster Mobilier Transilvan",
        region="nord-vest", sectors=["lemn-mobila"],
        management_entity="Asociația Cluster Mobilier Transilvan", members_total=70,
        website="https://www.mobiliertransilvan.ro", s3_priority_areas="Lemn și mobilă",
        description=(
            "Cluster Mobilier Transilvan urmărește, prin proiectul 5 CLS/CM (UEFISCDI, "
            "2018-2020), sustenabilitatea clusterului prin dezvoltarea capacității de "
            "management a proiectelor de CDI, dezvoltarea unui produs nou la nivel de cluster "
            "(un scaun static-dinamic, cu cerere de brevet) și servicii suport pentru "
            "internaționalizarea membrilor. A încheiat acorduri de colaborare cu Vukovar-Srijem "
            "County Development Agency și pentru proiectul Cluj Future of Work."
        ),
        other_networks=("IoT4Industry (secțiunea Ambassadors Clusters); "
                        "TCI Network (secțiunea Members)"),
        members=[
            ("Salice Com Prod S.R.L.", ClusterMember.Helix.INDUSTRY),
            ("Napochim S.A.", ClusterMember.Helix.INDUSTRY),
            ("JRD Industries S.R.L.", ClusterMember.Helix.INDUSTRY),
        ],
        offers=[
            Entry(
                "Servicii de inovare pentru firmele din industria mobilei",
                "Un serviciu nou de inovare dezvoltat la nivelul clusterului; trei contracte "
                "de prestare servicii de inovare încheiate cu firme din cluster "
                "(proiectul 5 CLS/CM).",
                ["lemn-mobila"],
                "servicii de inovare, mobilă, lemn",
            ),
            Entry(
                "Scaun static-dinamic",
                "Produs nou dezvoltat la nivel de cluster, cu documentație tehnică și cerere "
                "de brevet (proiectul 5 CLS/CM).",
                ["lemn-mobila"],
                "mobilă, scaun, produs nou, brevet",
            ),
        ],
    ),
    # seed 003 (project "INNO WOOD", management entity Asociația KO-FA);
    # seed 000: "PRO WOOD Sfantu Gheorghe (silver)". 003's Gold Label is being prepared only.
    Seed(
        slug="pro-wood", name="PRO WOOD", region="centru",
        city="Sfântu Gheorghe", sectors=["lemn-mobila"],
        management_entity="Asociația „KO-FA”", members_total=57,
        website="http://prowood.ro", s3_priority_areas="Lemn și mobilă",
        description=(
            "Clusterul PRO WOOD, condus de Asociația KO-FA, contribuie prin proiectul "
            "„INNO WOOD” (UEFISCDI, 2018-2020) la consolidarea industriei lemnului și mobilei "
            "ca domeniu regional de excelență în Regiunea Centru și la creșterea gradului de "
            "internaționalizare, prin integrarea clusterului în lanțuri și rețele "
            "internaționale. Prezentarea CLUSTERO îl numește printre clusterele românești din "
            "domeniile energie-mediu și bioeconomie."
        ),
        labels=[Label("silver", SRC_000)],
    ),
    # seed 003 project 7 CLS/MECHATRANS (region "Sud - Vest")
    Seed(
        slug="mechatrec", name="MECHATREC", region="sud-vest-oltenia",
        sectors=["eco-nano-tehnologii-materiale-avansate", "mecatronica"],
        management_entity=(
            "Asociația Profesională Patronatul Român din Industria de Mecanică Fină, Optică "
            "și Mecatronică - APROMECA"
        ),
        members_total=15, website="https://clustermechatrec.ro",
        s3_priority_areas="Eco-nano-tehnologii și materiale avansate",
        description=(
            "Clusterul inovativ MECHATREC lucrează în domeniul de specializare inteligentă "
            "Eco-nano-tehnologii și materiale avansate în Regiunea Sud-Vest Oltenia; 12 dintre "
            "membrii săi sunt IMM-uri din regiune. Prin proiectul 7 CLS/MECHATRANS (UEFISCDI, "
            "2018-2020) a elaborat agenda strategică CDI și cinci planuri de implementare "
            "pentru produse și tehnologii mecatronice destinate transportului feroviar și "
            "urban, precum și strategia de extindere pe piața națională și internațională."
        ),
        labels=[Label("silver", SRC_003)],
        offers=[
            Entry(
                "Echipament mecatronic pentru testarea și monitorizarea macazurilor",
                "Echipament mecatronic inteligent pentru testare, control integrat și "
                "monitorizare a sistemelor de acționare macazuri (studiu de piață, proiectul "
                "7 CLS/MECHATRANS).",
                ["mecatronica", "eco-nano-tehnologii-materiale-avansate"],
                "mecatronică, feroviar, macazuri, monitorizare",
            ),
            Entry(
                "Monitorizarea trecerilor la nivel cu calea ferată",
                "Sistem mecatronic automat integrat pentru monitorizarea trecerilor la nivel "
                "cu calea ferată, pentru siguranță și securitate, cu alimentare de siguranță "
                "din surse de energie regenerabilă (proiectul 7 CLS/MECHATRANS).",
                ["mecatronica", "eco-nano-tehnologii-materiale-avansate"],
                "mecatronică, feroviar, siguranță, energie regenerabilă",
            ),
            Entry(
                "Electronică de forță pentru tracțiune feroviară și urbană",
                "Sisteme mecatronice electronice de forță și comandă pentru acționări "
                "inteligente în aplicații industriale și de transport electric feroviar și "
                "urban, cu recuperarea energiei electrice la frânare (proiectul "
                "7 CLS/MECHATRANS).",
                ["mecatronica", "eco-nano-tehnologii-materiale-avansate"],
                "mecatronică, electronică de forță, transport electric, recuperarea energiei",
            ),
            Entry(
                "Sinterizare selectivă cu laser pentru bandaje de roți",
                "Introducerea tehnologiilor aditive de sinterizare selectivă cu laser în "
                "fabricația bandajelor de roți pentru trenuri, tramvaie etc. (proiectul "
                "7 CLS/MECHATRANS).",
                ["eco-nano-tehnologii-materiale-avansate", "mecatronica"],
                "fabricație aditivă, sinterizare laser, materiale avansate, feroviar",
            ),
            Entry(
                "Informarea pasagerilor prin panouri electronice inteligente",
                "Sistem mecatronic integrat multimedia pentru informarea și comunicarea în "
                "timp real a pasagerilor, prin panouri electronice inteligente în stații și "
                "pe vehiculele feroviare și urbane (proiectul 7 CLS/MECHATRANS).",
                ["mecatronica", "eco-nano-tehnologii-materiale-avansate"],
                "mecatronică, multimedia, informarea pasagerilor, panouri electronice",
            ),
        ],
    ),
    # seed 003 project 8 CLS/ASTRICONE (audit for the silver label: 30.10.2019, Săvinești);
    # seed 004: one of the four productive North-East clusters.
    Seed(
        slug="astrico-ne", name="ASTRICO Nord-Est", acronym="ASTRICO NE", region="nord-est",
        city="Săvinești", sectors=["textile-pielarie"],
        management_entity="Asociația „ASTRICO Nord-Est” Săvinești", members_total=32,
        website="https://www.asticone.eu", s3_priority_areas="Textile și pielărie",
        description=(
            "Clusterul textil ASTRICO Nord-Est urmărește creșterea competitivității "
            "întreprinderilor membre pe baza inovării și a internaționalizării. Prin proiectul "
            "8 CLS/ASTRICONE (UEFISCDI, 2018-2020) a elaborat agenda strategică CDI, a format "
            "patru nuclee de cercetare și a realizat 24 de audituri de inovare la companiile "
            "clusterului. " + NE_PRODUCTIVE
        ),
        labels=[Label(
            "silver",
            f"{SRC_003}; audit ESCA pentru medalia de argint la Săvinești, 30.10.2019",
            awarded_on=date(2019, 10, 30),
        )],
        gaps=[_gap_ne("Verigi lipsă în lanțul valoric textil: noi membri și parteneri",
                      ["textile-pielarie"],
                      "lanț valoric, noi membri, textile, B2B, cluster-to-cluster")],
    ),
    # seed 003 project 9 CLS/CRONOS
    Seed(
        slug="cluj-it", name="Cluj IT", region="nord-vest", city="Cluj-Napoca",
        sectors=["tic-spatiu-securitate"], management_entity="Asociația Cluj IT",
        members_total=54, website="https://www.clujit.ro",
        s3_priority_areas="Tehnologia informației și a comunicațiilor, spațiu și securitate",
        description=(
            "Clusterul Cluj IT reunește companii, universități și centre de cercetare din "
            "sectorul IT. Prin proiectul 9 CLS/CRONOS (UEFISCDI, 2018-2020) își consolidează "
            "ecosistemul de inovare prin specializare inteligentă, pentru transformarea "
            "structurală și internaționalizarea sectorului IT din România pe baza proprietății "
            "intelectuale. Direcțiile de specializare: orașe și teritorii inteligente, "
            "digitalizarea industriei și informația datelor (data intelligence)."
        ),
        offers=[
            Entry(
                "Digitalizare pentru mediul public și privat: Digital Innovation Hub4Society",
                "Centrul pentru Inovare Digitală Digital Innovation Hub4Society, lansat la "
                "27 februarie 2020: o structură partenerială care asistă mediul public și "
                "privat în procesul de digitalizare și de atragere de fonduri "
                "(proiectul 9 CLS/CRONOS).",
                ["tic-spatiu-securitate"],
                "digitalizare, inovare digitală, TIC, atragere de fonduri",
            ),
            Entry(
                "Orașe inteligente, digitalizarea industriei și data intelligence",
                "Direcțiile de specializare ale clusterului: orașe și teritorii inteligente, "
                "digitalizarea industriei și informația datelor (data intelligence) "
                "(proiectul 9 CLS/CRONOS).",
                ["tic-spatiu-securitate"],
                "orașe inteligente, digitalizarea industriei, data intelligence, TIC",
            ),
        ],
    ),
    # seed 003 project 10 CLS/SMARTI (region "Bucuresti"). Gold is only being prepared.
    Seed(
        slug="elinclus", name="ELINCLUS", region="bucuresti-ilfov",
        sectors=["tic-spatiu-securitate", "electronica"],
        management_entity="Asociația pentru Promovarea Tehnologiei Electronice (APTE)",
        members_total=65, website="http://elinclus.ro",
        s3_priority_areas="Tehnologia informației și comunicațiilor",
        description=(
            "Clusterul ELINCLUS este condus de Asociația pentru Promovarea Tehnologiei "
            "Electronice (APTE). Proiectul 10 CLS/SMARTI (UEFISCDI, 2018-2020) urmărește "
            "creșterea capacității de inovare și a competitivității clusterului cu 30% până în "
            "2020: cel puțin 82 de membri, cel puțin cinci proiecte comune intra- sau "
            "inter-cluster, formarea resurselor umane pentru inovarea high-tech și "
            "dezvoltarea bazei tehnologice a clusterului."
        ),
        labels=[Label("silver", SRC_003)],
        offers=[
            Entry(
                "Produse, tehnologii și servicii ale firmelor de electronică din cluster",
                "Analiza competențelor membrilor (matricea de competențe) stabilește "
                "categoriile de produse, tehnologii și servicii oferite de firmele din cluster, "
                "cu nivelul lor de performanță și calitate (proiectul 10 CLS/SMARTI).",
                ["electronica", "tic-spatiu-securitate"],
                "electronică, high-tech, TIC, matrice de competențe",
            ),
            Entry(
                "Formare pentru inovare high-tech",
                "Training-uri „Management al inovării” și „Scalarea afacerii și "
                "internaționalizarea produselor și serviciilor inovative”; APTE a co-organizat "
                "workshop-ul „Strategic Partnership for Education” la simpozionul TIE 2019 "
                "(proiectul 10 CLS/SMARTI).",
                ["electronica", "tic-spatiu-securitate"],
                "formare, managementul inovării, internaționalizare, electronică",
            ),
        ],
    ),
    # seed 003 project 11 CLS/SANINFO. The project site (saninfo.csdj.ro) is not the
    # cluster's: no website recorded.
    Seed(
        slug="pentru-sanatate-dunarea-de-jos", name="Pentru Sănătate Dunărea de Jos",
        region="sud-est", city="Galați", sectors=["sanatate"],
        management_entity="Asociația „SMURD” Galați", members_total=20,
        s3_priority_areas="Sănătate (inclusiv știința medicamentului)",
        description=(
            "Clusterul inovativ „Pentru Sănătate Dunărea de Jos” din Galați reunește 20 de "
            "entități din domeniul medical; entitatea sa de management este Asociația "
            "„SMURD” Galați. Prin proiectul 11 CLS/SANINFO (UEFISCDI, 2018-2020) a dezvoltat "
            "SANINFO, un sistem inovativ de informare pentru sănătate, suport informațional "
            "în domeniul sănătății publice pentru membrii clusterului."
        ),
        offers=[Entry(
            "Platforma SANINFO: sistem inovativ de informare pentru sănătate",
            "Platformă online (www.saninfo.ro), pe tehnologii open source, care colectează "
            "studii de caz științifice și aplicative, oferă membrilor o bază de date centrată "
            "pe nevoile lor de cunoaștere, publicații online și un calendar de evenimente din "
            "domeniul medical (proiectul 11 CLS/SANINFO).",
            ["sanatate", "tic-spatiu-securitate"],
            "informare medicală, sănătate publică, platformă online, open source",
        )],
    ),
    # seed 003 project 12 CLS/CEX-IMAG; seed 004: follow-up only.
    Seed(
        slug="imago-mol",
        name="Clusterul Regional Inovativ de Imagistică Moleculară și Structurală Nord-Est",
        acronym="IMAGO-MOL", region="nord-est",
        sectors=["sanatate"],
        management_entity=("Clusterul Regional Inovativ de Imagistică Moleculară și "
                           "Structurală Nord-Est (IMAGO-MOL)"),
        members_total=27, website="https://www.imago-mol.ro",
        s3_priority_areas="Sănătate (inclusiv știința medicamentului)",
        description=(
            "Clusterul Regional Inovativ de Imagistică Moleculară și Structurală Nord-Est "
            "lucrează într-un domeniu deosebit de important pentru sănătate, imagistica, în "
            "corelare cu domeniul IT și biotehnologia. Prin proiectul 12 CLS/CEX-IMAG "
            "(UEFISCDI, 2018-2020) și-a elaborat agenda strategică CDI și planul de "
            "implementare, pentru a atrage noi membri și a intensifica cooperarea dintre "
            "aceștia în cercetare-dezvoltare-inovare. ADR Nord-Est îl numără printre clusterele "
            "regiunii care iau parte la activitățile de dezvoltare și follow-up ale acțiunii "
            "pilot ClusterPoliSEE (2014)."
        ),
        labels=[Label("silver", SRC_003)],
        offers=[Entry(
            "Cercetare în imagistică moleculară și structurală",
            "Potențialul științific și de cercetare al membrilor clusterului în imagistică, "
            "în corelare cu IT și biotehnologia; idei de proiecte, teme de cercetare și cinci "
            "fișe de proiect (proiectul 12 CLS/CEX-IMAG).",
            ["sanatate"],
            "imagistică medicală, imagistică moleculară, cercetare, sănătate",
        )],
        gaps=[Entry(
            "Parteneri în imagistică medicală și domenii conexe: medicină, IT, biotehnologie",
            "Clusterul caută clustere, poli de cercetare și rețele de imagistică medicală și "
            "din domenii conexe (medicină, IT, biotehnologie), teme de cercetare și proiecte "
            "de interes comun, acorduri de parteneriat și noi membri, printr-o campanie "
            "regională de extindere (proiectul 12 CLS/CEX-IMAG, activități în curs).",
            ["sanatate", "tic-spatiu-securitate", "bioeconomie"],
            "imagistică medicală, IT, biotehnologie, medicină, noi membri, parteneriate",
        )],
    ),

    # --- Seed 004 (ADR Nord-Est) only ---
    # seed 004: productive cluster analysed in the pilot action
    Seed(
        slug="euronest-itc-hub", name="Euronest IT&C Hub", region="nord-est",
        sectors=["tic-spatiu-securitate"], description=NE_PRODUCTIVE,
        gaps=[_gap_ne("Verigi lipsă în lanțul valoric IT&C: noi membri și parteneri",
                      ["tic-spatiu-securitate"],
                      "lanț valoric, noi membri, TIC, IT&C, B2B, cluster-to-cluster")],
    ),
    # seed 004: productive cluster analysed in the pilot action
    Seed(
        slug="iconic-new-media", name="ICONIC New Media", region="nord-est",
        sectors=["sectoare-creative-culturale"], description=NE_PRODUCTIVE,
        gaps=[_gap_ne("Verigi lipsă în lanțul valoric new media: noi membri și parteneri",
                      ["sectoare-creative-culturale"],
                      "lanț valoric, noi membri, new media, B2B, cluster-to-cluster")],
    ),
    # seed 004: follow-up only; sector not stated.
    Seed(slug="bio-rone", name="Bio-RONE", region="nord-est",
         description=NE_FOLLOW_UP),
    # seed 004: follow-up only
    Seed(slug="apt-cluster-de-turism", name="APT Cluster de Turism",
         region="nord-est", sectors=["turism-ecoturism"], description=NE_FOLLOW_UP),
]

# The fields of a Seed that are Cluster fields as they stand.
PLAIN_FIELDS = ("name", "acronym", "city", "management_entity", "members_total", "website",
                "s3_priority_areas", "description", "other_networks")


def _create_cluster(seed: Seed, regions: dict, sectors: dict) -> Cluster:
    cluster = Cluster(slug=seed.slug, region=regions[seed.region], is_published=True,
                      **{name: getattr(seed, name) for name in PLAIN_FIELDS})
    cluster.full_clean()
    cluster.save()
    cluster.sectors.set([sectors[slug] for slug in seed.sectors])
    ClusterChange.objects.create(cluster=cluster, action=ClusterChange.Action.CREATED,
                                 subject=cluster.name[:250])
    for label in seed.labels:
        row = ClusterLabel(cluster=cluster, level=label.level,
                           issuer=ClusterLabel.Issuer.ESCA, awarded_on=label.awarded_on,
                           source_note=label.source_note)
        row.full_clean()
        row.save()
    for organisation, helix in seed.members:
        member = ClusterMember(cluster=cluster, organisation=organisation, helix=helix,
                               country="RO")
        member.full_clean()
        member.save()
    for kind, entries in ((ValueChainEntry.Kind.OFFER, seed.offers),
                          (ValueChainEntry.Kind.GAP, seed.gaps)):
        for entry in entries:
            row = ValueChainEntry(cluster=cluster, kind=kind, title=entry.title,
                                  description=entry.description, keywords=entry.keywords)
            row.full_clean()
            row.save()
            row.sectors.set([sectors[slug] for slug in entry.sectors])
    return cluster


@transaction.atomic
def seed_clusters() -> list[str]:
    """Create the seeded clusters whose slug does not exist yet (published, with their labels,
    members, offers and gaps); leave existing ones untouched. Needs the reference data.
    Returns the slugs created."""
    regions = {r.slug: r for r in Region.objects.filter(slug__in={s.region for s in CLUSTERS})}
    sectors = {s.slug: s for s in Sector.objects.all()}
    existing = set(Cluster.objects.filter(slug__in=[s.slug for s in CLUSTERS])
                   .values_list("slug", flat=True))
    created = []
    for seed in CLUSTERS:
        if seed.slug not in existing:
            _create_cluster(seed, regions, sectors)
            created.append(seed.slug)
    return created


# Demo accounts (accounts.demo) that manage a demo cluster.
DEMO_MANAGERS = {"manager@demo.clusterpolicy.ro": "agro-transilvania-cluster"}


def seed_demo_managers() -> list[tuple[str, str]]:
    """Give the demo cluster-manager account its cluster (idempotent)."""
    from accounts.models import User

    from . import services
    from .permissions import cluster_managers

    assigned = []
    for email, slug in DEMO_MANAGERS.items():
        user = User.objects.filter(email=email).first()
        cluster = Cluster.objects.filter(slug=slug).first()
        if user is None or cluster is None:
            continue
        if user not in cluster_managers(cluster):
            services.cluster_manager_add(cluster=cluster, manager=user, by=None)
        assigned.append((email, cluster.name))
    return assigned
