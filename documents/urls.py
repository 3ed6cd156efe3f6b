from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.views import SectionView

app_name = "documents"

urlpatterns = [
    path(
        "",
        SectionView.as_view(
            title=_("Documents"),
            intro=_(
                "The public archive of finalised documents: policy guides, SWOT "
                "analyses, evaluation reports, good practices."
            ),
        ),
        name="index",
    ),
]
