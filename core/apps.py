from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        # Every write to public content invalidates the anonymous page cache (core.pagecache).
        from .pagecache import connect_signals

        connect_signals()
