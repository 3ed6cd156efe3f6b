from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.views import SectionView

app_name = "events"

urlpatterns = [
    path(
        "",
        SectionView.as_view(
            title=_("Events"),
            intro=_(
                "The calendar of conferences, workshops, trainings, study visits and "
                "matchmaking events."
            ),
        ),
        name="index",
    ),
]
