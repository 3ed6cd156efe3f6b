from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.views import SectionView

app_name = "institutions"

urlpatterns = [
    path("", SectionView.as_view(title=_("Coming soon"), intro=""), name="index"),
]
