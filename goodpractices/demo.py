"""Demo good practices for `seed_demo` (development only: their authors are the demo accounts
of accounts.demo, their groups the memberships of documents.demo).

Every statement is taken from the seed documents in ../shared/seeds/ (named on each practice):
no figure or result is invented. Where a seed states an aim rather than an outcome, the text
says "urmărite" (aimed at). Two practices are published, one is left as a draft so the
archive shows both states."""

from accounts.models import User
from clusters.models import Country, Region
from documents.models import Document
from workinggroups.models import WorkingGroup

from . import services
from .models import GoodPractice, Theme, Transferability

PRACTICES = [
    {
        # Seed 004 (004_2641dbd8fc06adf5.txt): the ADR Nord-Est pilot action of ClusterPoliSEE.
        "title": "Acțiunea pilot ADR Nord-Est: verigile lipsă din lanțul valoric și "
                 "evenimentele cluster-to-cluster",
        "group": "WG5",
        "author": "policymaker@demo.clusterpolicy.ro",
        "publish": True,
        "country": "RO",
        "region": "nord-est",
        "theme": Theme.SPECIALISATION,
        "transferability": Transferability.MEDIUM,
        "documents": ["Verigi lipsă în lanțul valoric al clusterelor din Regiunea Nord-Est"],
        "practice": (
            "ADR Nord-Est a implementat, în proiectul ClusterPoliSEE, o acțiune pilot pentru "
            "clusterele productive ale regiunii, cu trei obiective:\n"
            "- o imagine clară a verigilor lipsă din lanțul valoric al fiecărui cluster "
            "productiv regional, care îl împiedică să exceleze pe piețele existente sau să "
            "acceseze piețe noi, mai specializate;\n"
            "- definirea și diseminarea unui bazin de potențiali parteneri care pot furniza "
            "clusterelor input-ul necesar pentru închiderea acestor lanțuri valorice;\n"
            "- asistență tehnică pentru creșterea performanței clusterelor prin inovare și "
            "cooperare.\n\n"
            "Acțiunea analizează 4 clustere productive (Ind-Agro-Pol, Astrico NE, Euronest IT&C "
            "Hub și ICONIC New Media), facilitează întâlniri bilaterale business-to-business "
            "(B2B) la nivel sectorial și organizează, pentru prima dată în regiune, evenimente "
            "intersectoriale de tip cluster-to-cluster."
        ),
        "context": (
            "Regiunea Nord-Est, cea mai săracă regiune din România, în care au fost activate în "
            "ultimii 3 ani 6 structuri asociative de tip cluster. Analiza profilului clusterelor "
            "regionale realizată de ADR Nord-Est în 2013 a indicat ca posibile zone de "
            "specializare domeniile agroalimentar, textil, sănătate și TIC și a identificat cele "
            "mai mari probleme comune ale clusterelor: nevoia de a întregi lanțul valoric cu noi "
            "membri și nevoia de a deveni mai interactive între ele."
        ),
        "benefits": (
            "Beneficiile urmărite de evenimentele cluster-to-cluster: încurajarea de noi "
            "activități cu beneficii comune pentru toți membrii clusterelor, atragerea de noi "
            "membri și generarea de activități hibrid utile pentru specializarea clusterelor."
        ),
        "lessons_learned": (
            "Cu un interval și un buget restrânse, acțiunea s-a concentrat pe 4 clustere "
            "productive; celelalte 3 clustere regionale (IMAGO-MOL, Bio-RONE și APT Cluster de "
            "Turism) iau parte doar la activitățile de dezvoltare și follow-up."
        ),
        "success_factors": (
            "Pornește de la o analiză a profilului clusterelor regionale (ADR Nord-Est, 2013). "
            "Acțiunea este monitorizată de ADR Nord-Est împreună cu reprezentanții "
            "managementului celor 4 clustere analizate și evaluată de un grup de consultanți "
            "externi angajați de Regiunea Marche (Italia), coordonatorul proiectului "
            "ClusterPoliSEE."
        ),
        "risk_factors": (
            "Constrângerile de implementare: interval ianuarie–iunie 2014 și un buget "
            "ClusterPoliSEE de 10.000 euro. Este prima inițiativă de acest gen în regiune."
        ),
        "transferability_notes": (
            "Cere o agenție regională care cunoaște profilul clusterelor din regiune și "
            "problemele lor comune (verigi lipsă în lanțul valoric, interacțiune redusă între "
            "clustere)."
        ),
    },
    {
        # Seed 003 (003_03ec9aebe6bac5dd.txt): UEFISCDI status report of the "Cluster inovativ"
        # projects as of 31.12.2019 (IND-AGRO-POL, PRO WOOD, MECHATREC, ELINCLUS, Ino Tex).
        "title": "Auditul și eticheta ESCA în proiectele „Cluster inovativ”",
        "group": "WG3",
        "author": "member@demo.clusterpolicy.ro",
        "publisher": "manager@demo.clusterpolicy.ro",
        "publish": True,
        "country": "RO",
        "region": None,
        "theme": Theme.MANAGEMENT,
        "transferability": Transferability.HIGH,
        "documents": ["Clustere, etichete ESCA și eco-inovare în România"],
        "practice": (
            "Mai multe proiecte finanțate de UEFISCDI în competiția „Organizare și dezvoltare "
            "cluster – Cluster Inovativ” au inclus evaluarea managementului clusterului de către "
            "ESCA (European Secretariat for Cluster Analysis):\n"
            "- IND-AGRO-POL: audit de inovare realizat de ESCA și medalia de argint pentru "
            "excelența în managementul de cluster;\n"
            "- ELINCLUS: entitatea de management (APTE) a primit eticheta de argint și a "
            "pregătit un raport de preevaluare în vederea certificării GOLD;\n"
            "- MECHATREC: Certificatul de Excelență SILVER din partea ESCA;\n"
            "- Romanian Textile Concept (Ino Tex): audit ESCA pentru reconfirmarea nivelului de "
            "excelență al clusterului."
        ),
        "context": (
            "Competiția UEFISCDI „Organizare și dezvoltare cluster – Cluster Inovativ” "
            "(subprogramul 2.1 al PNCDI); situația proiectelor la 31.12.2019, raportată de "
            "directorii de proiect. Clusterele sunt din mai multe regiuni (Sud-Muntenia, "
            "Sud-Vest Oltenia, Centru și altele)."
        ),
        "benefits": (
            "Recunoașterea europeană a excelenței în managementul de cluster (etichete de "
            "argint). La PRO WOOD, pregătirea pentru Gold Label stabilește, cu experții ESCA, "
            "domeniile în care activitatea clusterului trebuie îmbunătățită."
        ),
        "lessons_learned": (
            "Eticheta se pregătește: echipa de management a clusterului PRO WOOD are întâlniri "
            "de lucru regulate cu experții ESCA, analizând indicatorii de excelență; la "
            "IND-AGRO-POL membri ai echipei de proiect au fost instruiți în excelență în "
            "managementul de cluster."
        ),
        "success_factors": (
            "Finanțarea activităților prin proiectele „Cluster inovativ”; combinarea evaluării "
            "ESCA cu auditurile de inovare ale companiilor membre și cu agenda strategică de "
            "CDI a clusterului (IND-AGRO-POL)."
        ),
        "risk_factors": (
            "O etichetă se acordă la o dată și este valabilă o perioadă limitată: nivelul de "
            "excelență trebuie reconfirmat printr-un nou audit (ca la Romanian Textile "
            "Concept)."
        ),
        "transferability_notes": (
            "Etichetele ESCA (Gold, Silver, Bronze) se acordă clusterelor din toată Europa "
            "după aceiași indicatori."
        ),
    },
    {
        # Seed 000 (000_9c06383cb48dfdca.txt): the CLUSTERO talk, eco-innovation partnerships.
        "title": "Rețeaua Națională de Eco-Inovare „Green Club” (proiectul ECO-Partner)",
        "group": "WG2",
        "author": "manager@demo.clusterpolicy.ro",
        "publish": False,
        "country": "RO",
        "region": None,
        "theme": Theme.SUSTAINABILITY,
        "transferability": Transferability.MEDIUM,
        "documents": [],
        "practice": (
            "Proiectul ECO-Partner, în Programul de Cooperare Elvețiano-Român, cu partenerii "
            "Centrul Național pentru Producție și Consum Durabile, Asociația Geneveză pentru "
            "Dezvoltarea Economiei Circulare și CLUSTERO – Asociația Clusterelor din România, "
            "are ca obiectiv principal crearea Rețelei Naționale de Eco-Inovare – Green Club."
        ),
        "context": (
            "România are performanțe modeste în cadrul sistemului de eco-inovare al UE. Este "
            "nevoie de experți, actori cheie și întreprinderi care să beneficieze de "
            "informații, training și vizite de studiu privind eficiența resurselor și "
            "producția curată, eficiența energetică, eco-designul, managementul de mediu."
        ),
        "benefits": (
            "Pentru clustere, eco-inovarea înseamnă: metode comune și soluții similare în "
            "același sector, schimb de experiență și benchmarking, ușurință în replicarea "
            "eco-inovării și a eficienței resurselor."
        ),
        "lessons_learned": "",
        "success_factors": (
            "Întărirea cooperării triple helix și apropierea de facilitățile de cercetare în "
            "eco-inovare; proiecte concrete între membri concentrate pe eco-inovare."
        ),
        "risk_factors": "",
        "transferability_notes": "",
    },
]


def seed_good_practices() -> int:
    """Idempotent by slug: a practice whose title's slug exists is left as it is. Needs the
    demo accounts, memberships and documents (documents.demo). Returns how many it created."""
    users = {u.email: u for u in User.objects.filter(
        email__in={p["author"] for p in PRACTICES} | {p.get("publisher") for p in PRACTICES})}
    groups = {g.code: g for g in WorkingGroup.objects.all()}
    created = 0
    for spec in PRACTICES:
        author = users.get(spec["author"])
        if author is None or GoodPractice.objects.filter(
                slug=services.base_slug(spec["title"])).exists():
            continue
        group = groups[spec["group"]]
        documents = Document.objects.filter(group=group, title__in=spec["documents"],
                                            trashed_at__isnull=True)
        practice = services.practice_create(
            working_group=group, by=author, documents=documents,
            title=spec["title"], country=Country.objects.get(code=spec["country"]),
            region=Region.objects.get(slug=spec["region"]) if spec["region"] else None,
            theme=spec["theme"], transferability=spec["transferability"], language="ro",
            **{name: spec[name] for name in ("practice", "context", "benefits",
                                             "lessons_learned", "success_factors",
                                             "risk_factors", "transferability_notes")})
        if spec["publish"]:
            publisher = users.get(spec.get("publisher", spec["author"]))
            services.practice_publish(good_practice=practice, by=publisher)
        created += 1
    return created
