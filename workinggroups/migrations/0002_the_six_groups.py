"""The six ClusterPoliSEE working groups exist from the first migrations (DOMAIN.md)."""

from django.db import migrations

GROUPS = [
    ("WG1", "Dezvoltarea clusterelor pentru inovare, C&D",
     "Cluster development for innovation, R&D",
     "Cum sprijină politicile clusterele în inovare, cercetare și dezvoltare: ghiduri de "
     "politici, analize SWOT, exerciții de prospectivă.",
     "How policy supports clusters in innovation, research and development: policy guides, "
     "SWOT analyses, foresight exercises."),
    ("WG2", "Sustenabilitate prin dezvoltarea de clustere",
     "Sustainability through cluster development",
     "Clusterele ca motor al dezvoltării durabile: eco-inovare, eficiență energetică, "
     "bioeconomie.",
     "Clusters as drivers of sustainable development: eco-innovation, energy efficiency, "
     "bioeconomy."),
    ("WG3", "Cooperarea și rețelele de clustere internaționale",
     "International cluster cooperation and networking",
     "Cooperarea transnațională a clusterelor: vizite de studiu, evenimente de brokeraj, "
     "rapoarte de benchmarking.",
     "Transnational cluster cooperation: study visits, matchmaking events, benchmarking "
     "reports."),
    ("WG4", "Îmbunătățirea cadrului financiar (finanțarea clusterelor)",
     "Improving the financial framework (cluster financing)",
     "Instrumente de finanțare pentru clustere și managementul lor: rapoarte de evaluare și "
     "impact, bune practici.",
     "Funding instruments for clusters and their management: evaluation and impact reports, "
     "good practices."),
    ("WG5", "Clusterele și specializarea regională",
     "Clusters and regional specialisation",
     "Clusterele în strategiile de specializare inteligentă (S3) ale regiunilor.",
     "Clusters in the regions' smart-specialisation strategies (S3)."),
    ("WG6", "Competențe noi și crearea de locuri de muncă",
     "New skills and job creation",
     "Competențe pentru clustere și membrii lor: materiale de instruire, pachetul de "
     "formare S3.",
     "Skills for clusters and their members: training material, the S3 training package."),
]


def create_groups(apps, schema_editor):
    WorkingGroup = apps.get_model("workinggroups", "WorkingGroup")
    for code, name_ro, name_en, description_ro, description_en in GROUPS:
        WorkingGroup.objects.update_or_create(code=code, defaults={
            "name_ro": name_ro, "name_en": name_en,
            "description_ro": description_ro, "description_en": description_en,
        })


class Migration(migrations.Migration):
    dependencies = [("workinggroups", "0001_initial")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
