"""REST API of this app: `register(router)` adds its viewsets to /api/v1/ (config/api_urls.py)."""


def register(router) -> None:
    pass


# Plain API paths (non-viewset endpoints), added under /api/v1/.
urlpatterns = []
