from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.views import SectionView

app_name = "workinggroups"

urlpatterns = [
    path(
        "",
        SectionView.as_view(
            title=_("Working groups"),
            intro=_(
                "The six ClusterPoliSEE working groups and their spaces for exchanging "
                "documents."
            ),
        ),
        name="index",
    ),
]
