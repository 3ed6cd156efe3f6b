"""`manage.py import_projects`: the summary line, --dry-run, --format, and on failure every
error on stderr with a non-zero exit status."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from projects.management.commands.import_projects import Command
from projects.models import Project, StatusReport

from .test_importer import csv_file, indagro_row, row

pytestmark = pytest.mark.django_db

EXAMPLES = Path(settings.BASE_DIR) / "projects" / "examples"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def clusters(trec, indagro_cluster):
    return trec, indagro_cluster


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_projects", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_one_line_summary(clusters, competition):
    out, err = run(str(EXAMPLES / "projects-example.json"))
    assert out.strip() == ("Competitions: 0 created, 1 updated. Projects: 2 created, 0 updated, "
                           "0 unchanged. Reports: 2 added, 0 unchanged.")
    assert err == ""
    assert Project.objects.count() == 2

    out, _err = run(str(EXAMPLES / "projects-example.json"))
    assert out.strip() == ("Competitions: 0 created, 0 updated. Projects: 0 created, 0 updated, "
                           "2 unchanged. Reports: 0 added, 2 unchanged.")


def test_dry_run_says_what_would_change_and_writes_nothing(clusters, competition):
    out, _err = run(str(EXAMPLES / "projects-example.csv"), "--dry-run")
    assert out.startswith("Dry run, nothing written.")
    assert "create 2, update 0 and leave 0 projects unchanged; add 2 reports" in out
    assert not Project.objects.exists()
    assert not StatusReport.objects.exists()


def test_format_option_overrides_the_extension(tmp_path, clusters, competition):
    source = csv_file(tmp_path, [row()])
    path = source.rename(tmp_path / "export.txt")
    with pytest.raises(CommandError):
        run(str(path))
    out, _err = run(str(path), "--format", "csv")
    assert "Projects: 1 created" in out


def test_failure_prints_every_error_and_raises(tmp_path, clusters, competition):
    path = csv_file(tmp_path, [row(start="31.02.2018"), indagro_row(cluster="nope")])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"^2 errors: nothing was imported\.$"):
        call_command("import_projects", str(path), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "line 2, field start: Enter a valid date.",
        "line 3, field cluster: No cluster has the slug “nope”.",
    ]
    assert out.getvalue() == ""
    assert not Project.objects.exists()


def test_exit_status_is_non_zero_on_failure(tmp_path, clusters, competition, capsys):
    path = csv_file(tmp_path, [row(competition="nope")])
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "import_projects", str(path)])
    assert exited.value.code == 1
    stderr = capsys.readouterr().err
    assert "line 2, field competition: No competition has the slug “nope”." in stderr
    assert "1 error: nothing was imported." in stderr


def test_a_missing_file(tmp_path, db):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"^1 error: nothing was imported\.$"):
        call_command("import_projects", str(tmp_path / "missing.json"), stdout=out, stderr=err)
    assert err.getvalue().startswith("Cannot read the file: No such file or directory")
