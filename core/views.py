from django.views.generic import TemplateView

from events.selectors import upcoming_for

HOME_EVENTS = 5


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            next_events=upcoming_for(self.request.user, limit=HOME_EVENTS), **kwargs)


class SectionView(TemplateView):
    """A public section's landing page while the section's own pages are being built."""

    template_name = "core/section.html"
    title = ""
    intro = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, intro=self.intro, **kwargs)
