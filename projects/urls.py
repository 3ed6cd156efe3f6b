from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.views import SectionView

app_name = "projects"

urlpatterns = [
    path(
        "",
        SectionView.as_view(
            title=_("Projects"),
            intro=_(
                "UEFISCDI “Cluster inovativ” projects and their status reports."
            ),
        ),
        name="index",
    ),
]
