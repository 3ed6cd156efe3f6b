"""Static files are collected and served by whitenoise, as in production: no CDN needed."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings


@pytest.mark.django_db
def test_collected_static_files_are_served_with_hashed_names(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "static"
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
        from django.templatetags.static import static

        css = static("vendor/bootstrap-5.3.9/css/bootstrap.min.css")
        assert css != "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css"  # hashed name
        client = Client()  # a new handler: whitenoise scans the new STATIC_ROOT
        response = client.get(css)
        assert response.status_code == 200
        assert "max-age=315360000" in response["Cache-Control"]
        page = client.get("/").content.decode()
        assert css in page
