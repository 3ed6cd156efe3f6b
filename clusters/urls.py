from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.views import SectionView

app_name = "clusters"

urlpatterns = [
    path(
        "",
        SectionView.as_view(
            title=_("Cluster directory"),
            intro=_(
                "The directory of clusters in Romania and South-East Europe: profiles, "
                "ESCA labels, members and value chains."
            ),
        ),
        name="index",
    ),
]
