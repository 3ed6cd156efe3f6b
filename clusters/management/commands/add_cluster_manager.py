from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from clusters import services
from clusters.models import Cluster


class Command(BaseCommand):
    help = "Make an approved user a manager of one cluster (or, with --remove, no longer)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("cluster_slug")
        parser.add_argument("--remove", action="store_true",
                            help="Remove the user from the cluster's managers.")

    def handle(self, *args, email, cluster_slug, remove=False, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist as exc:
            raise CommandError(f"No account with the e-mail address {email}.") from exc
        try:
            cluster = Cluster.objects.get(slug=cluster_slug)
        except Cluster.DoesNotExist as exc:
            raise CommandError(f"No cluster with the slug {cluster_slug}.") from exc
        try:
            if remove:
                changed = services.cluster_manager_remove(cluster=cluster, manager=user, by=None)
                verb = "is no longer a manager of" if changed else "was not a manager of"
            else:
                changed = services.cluster_manager_add(cluster=cluster, manager=user, by=None)
                verb = "now manages" if changed else "already manages"
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{user.email} {verb} {cluster.name}.")
