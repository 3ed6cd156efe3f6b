"""Import competitions, projects and their status reports from the agency's files.

`import_file` reads JSON or CSV (the format is documented in the README, "Importing projects
and status reports"); `import_data` takes the JSON structure already parsed. Both work in two
passes:

1. **Validate everything** against the database as it is: each project and report goes through
   a Django form (so messages are Django's own, in the active language), then the checks that
   need the whole file (duplicates, slugs in use, accepted reports that would change). Every
   problem is collected as a `RowError` with the line where its project or report starts and
   the field's name as the file spells it. Any error raises `ImportFailed` before anything is
   written.
2. **Write** in one transaction, saving only the rows whose values differ, so importing the same
   file twice saves nothing (`updated_at` does not move).

A project is matched by (competition, number), a report by (project, as-of date). Imported
reports are accepted at once (the file is the agency's own record) and, like every accepted
report, never changed afterwards: a different report on an accepted date is an error. A key the
file leaves out (or, in CSV, a column it does not have) leaves that optional field as it is."""

import csv
import io
import json
import os
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field, fields
from datetime import date

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clusters.models import Cluster, Region, Sector
from core.text import fold

from .models import Competition, Project, ReviewEntry, StatusReport
from .services import _sync_members_count
from .text import normalise
from .urls import RESERVED_SLUGS

FORMAT = "cluster-policy-projects/1"
MAX_FILE_BYTES = 20 * 1024 * 1024
# Per file: at most this many projects, and at most this many status reports.
MAX_ROWS = 5000
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]

TOP_KEYS = ("format", "competition", "projects")
COMPETITION_KEYS = ("slug", "name", "funder", "programme", "subprogramme_code", "subprogramme",
                    "years", "purpose", "proposals_submitted", "projects_funded",
                    "total_budget", "currency", "website")
PROJECT_KEYS = ("number", "acronym", "slug", "title", "start", "end", "coordinator", "director",
                "cluster", "members", "region", "domain", "website", "objectives")
REPORT_KEYS = ("as_of", "members", "results", "ongoing_activities")
# Fields holding structured text: one string with newlines, or (JSON) a list of lines.
STRUCTURED = {"purpose", "objectives", "results", "ongoing_activities"}

CSV_COLUMNS = ("competition", *PROJECT_KEYS, "as_of", "report_members", "results",
               "ongoing_activities")
CSV_REQUIRED = ("competition", "number", "acronym", "title", "start", "end", "coordinator",
                "director", "cluster", "region", "domain")
CSV_REPORT_COLUMNS = {"as_of": "as_of", "report_members": "members", "results": "results",
                      "ongoing_activities": "ongoing_activities"}

# The agency's own spellings of regions and domains (seed 003), folded (see `_key`).
REGION_ALIASES = {"sud": "sud-muntenia", "sudvest": "sud-vest-oltenia",
                  "bucuresti": "bucuresti-ilfov"}
DOMAIN_ALIASES = {"tehnologiainformatieisicomunicatiilor": "tic-spatiu-securitate"}

# Project fields the file sets, as model attribute names.
PROJECT_ATTRS = ("acronym", "slug", "title", "start_date", "end_date", "coordinator", "director",
                 "cluster_id", "members_count", "region_id", "domain_id", "website", "objectives")
# Model field → the file's name for it, for the model's own validation errors.
PROJECT_FILE_NAMES = {"start_date": "start", "end_date": "end", "members_count": "members",
                      "cluster_id": "cluster", "region_id": "region", "domain_id": "domain"}
FOREIGN_KEYS = ["competition", "cluster", "region", "domain", "director_account"]


# --- The API ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    line: int | None
    field: str | None
    message: str

    def __str__(self):
        where = []
        if self.line is not None:
            where.append(_("line %(line)d") % {"line": self.line})
        if self.field:
            where.append(_("field %(field)s") % {"field": self.field})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportFailed(Exception):
    """Nothing was written; `errors` says why, every problem with its line and field."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class ImportResult:
    competitions_created: int = 0
    competitions_updated: int = 0
    projects_created: int = 0
    projects_updated: int = 0
    projects_unchanged: int = 0
    reports_added: int = 0
    reports_unchanged: int = 0

    @property
    def changed(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self)
                   if f.name not in ("projects_unchanged", "reports_unchanged"))


def import_file(path_or_file, *, dry_run=False, fmt=None) -> ImportResult:
    """Import a JSON or CSV file (a path, or a binary file object). `fmt` is "json" or "csv";
    by default the file name's extension decides. Raises ImportFailed, having written
    nothing, when anything in the file is wrong."""
    name = _file_name(path_or_file)
    fmt = (fmt or os.path.splitext(name)[1].lstrip(".")).lower()
    if fmt not in ("json", "csv"):
        raise ImportFailed([RowError(None, None, _(
            "Cannot tell the file's format from its name: it should end in .json or .csv "
            "(or give the format)."))])
    text = _read_text(path_or_file)
    if fmt == "json":
        return _import_json_text(text, dry_run=dry_run, source=os.path.basename(name))
    return _import_csv_text(text, dry_run=dry_run, source=os.path.basename(name))


def import_data(data: dict, *, dry_run=False) -> ImportResult:
    """Import the JSON structure, already parsed (errors then have no line numbers)."""
    return _import_json(data, _NoLines(), dry_run=dry_run, source="")


# --- Reading the file ------------------------------------------------------------------------

def _file_name(path_or_file) -> str:
    if isinstance(path_or_file, str | os.PathLike):
        return os.fspath(path_or_file)
    return getattr(path_or_file, "name", "") or ""


def _too_large() -> ImportFailed:
    return ImportFailed([RowError(None, None, _(
        "The file is larger than %(size)d MB: split it into smaller files.")
        % {"size": MAX_FILE_BYTES // (1024 * 1024)})])


def _read_text(path_or_file) -> str:
    try:
        if isinstance(path_or_file, str | os.PathLike):
            if os.path.getsize(path_or_file) > MAX_FILE_BYTES:
                raise _too_large()
            with open(path_or_file, "rb") as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
        else:
            raw = path_or_file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportFailed([RowError(None, None, _("Cannot read the file: %(error)s")
                                     % {"error": exc.strerror or exc})]) from exc
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFailed([RowError(line, None, _(
            "The file is not UTF-8 text. Save it as UTF-8 (in Excel: CSV UTF-8)."))]) from exc


class _NoLines:
    """Where things are in a parsed structure with no text behind it: nowhere."""

    start = None

    def top(self, key):
        return None

    def competition(self):
        return None

    def project(self, index):
        return None

    def report(self, index, report_index):
        return None


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()


def _object_members(text: str, pos: int) -> dict[str, int]:
    """Key → offset of its value, for the JSON object starting at `pos` (valid JSON)."""
    members = {}
    pos = _skip(text, pos + 1)
    if text[pos] == "}":
        return members
    while True:
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, _skip(text, pos) + 1)  # the colon
        members[key] = pos
        _value, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos] != ",":
            return members
        pos = _skip(text, pos + 1)


def _array_elements(text: str, pos: int) -> list[int]:
    """The offset of each element of the JSON array starting at `pos` (valid JSON)."""
    offsets = []
    pos = _skip(text, pos + 1)
    if text[pos] == "]":
        return offsets
    while True:
        offsets.append(pos)
        _value, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos] != ",":
            return offsets
        pos = _skip(text, pos + 1)


class _JsonLines:
    """The line where each part of a JSON text starts: the top-level keys, the competition
    object, each project object and each report object. Found by stepping over the text with
    raw_decode (the text has already parsed, so it is valid JSON)."""

    start = 1

    def __init__(self, text: str):
        newlines = [match.start() for match in re.finditer("\n", text)]

        def line(offset):
            return bisect_left(newlines, offset) + 1

        self._top, self._competition, self._projects, self._reports = {}, None, [], {}
        start = _skip(text, 0)
        if text[start] != "{":
            return
        members = _object_members(text, start)
        self._top = {key: line(offset) for key, offset in members.items()}
        if "competition" in members and text[members["competition"]] == "{":
            self._competition = line(members["competition"])
        if "projects" not in members or text[members["projects"]] != "[":
            return
        for index, offset in enumerate(_array_elements(text, members["projects"])):
            self._projects.append(line(offset))
            if text[offset] != "{":
                continue
            reports = _object_members(text, offset).get("reports")
            if reports is not None and text[reports] == "[":
                self._reports[index] = [line(o) for o in _array_elements(text, reports)]

    def top(self, key):
        return self._top.get(key)

    def competition(self):
        return self._competition

    def project(self, index):
        return self._projects[index] if index < len(self._projects) else None

    def report(self, index, report_index):
        lines = self._reports.get(index, [])
        return lines[report_index] if report_index < len(lines) else None


# --- Rows ------------------------------------------------------------------------------------

@dataclass
class _ReportRow:
    line: int | None
    values: dict
    # The file's name of a field where it differs from the report's (CSV: report_members).
    names: dict = field(default_factory=dict)


@dataclass
class _ProjectRow:
    line: int | None
    values: dict
    reports: list[_ReportRow] = field(default_factory=list)
    competition_slug: str | None = None  # CSV: the row's competition column


class _Errors(list):
    def add(self, line, field_name, message):
        self.append(RowError(line, field_name, str(message)))

    def add_form(self, line, form, names=None):
        for field_name, messages in form.errors.items():
            name = None if field_name == NON_FIELD_ERRORS else (names or {}).get(field_name,
                                                                                 field_name)
            for message in messages:
                self.add(line, name, message)

    def add_validation(self, line, exc: ValidationError, names=None):
        for field_name, messages in exc.message_dict.items():
            name = None if field_name == NON_FIELD_ERRORS else (names or {}).get(field_name,
                                                                                 field_name)
            for message in messages:
                self.add(line, name, message)

    def fail_if_any(self):
        if self:
            raise ImportFailed(sorted(self, key=lambda error: error.line or 0))


def _too_many(count: int, what: str) -> ImportFailed:
    if what == "projects":
        message = _("The file has %(count)d projects; at most %(max)d can be imported at once. "
                    "Split it into smaller files.")
    else:
        message = _("The file has %(count)d status reports; at most %(max)d can be imported "
                    "at once. Split it into smaller files.")
    return ImportFailed([RowError(None, None, message % {"count": count, "max": MAX_ROWS})])


def _prepare(value, name: str, line, errors: _Errors, names=None):
    """A JSON value as a form reads it: text, or None for an error already reported."""
    shown = (names or {}).get(name, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        errors.add(line, shown, _("Expected a text or a number, not true or false."))
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and name in STRUCTURED:
        if all(isinstance(item, str) for item in value):
            return "\n".join(value)
        errors.add(line, shown, _("Expected a list of lines of text."))
        return None
    errors.add(line, shown, _("Expected a single value, not a list or an object."))
    return None


def _prepared(row_values: dict, allowed, line, errors: _Errors, names=None) -> dict | None:
    """The row's values ready for its form; None when a value has the wrong JSON type."""
    prepared, ok = {}, True
    for name, value in row_values.items():
        if name not in allowed:
            errors.add(line, (names or {}).get(name, name), _("Unknown field."))
            ok = False
            continue
        value = _prepare(value, name, line, errors, names)
        if value is None:
            ok = False
        prepared[name] = value
    return prepared if ok else None


# --- Forms: one project, one report, the competition -----------------------------------------

def _model_field(model, name, **kwargs):
    return model._meta.get_field(name).formfield(**kwargs)


def _line_text(text: str) -> str:
    """A one-line value: NFC, comma-below ș ț (never the cedilla letters), single spaces."""
    text = unicodedata.normalize("NFC", text).translate(str.maketrans("şŞţŢ", "șȘțȚ"))
    return " ".join(text.split())


def _key(text: str) -> str:
    """How names are compared: accents, case, spaces and punctuation ignored ("Sud - Vest"
    and "sud-vest" agree)."""
    return re.sub(r"[^0-9a-z]+", "", fold(str(text)))


class _ImportForm(forms.Form):
    # Fields that may be left out of the file (the value then stays as it is).
    optional: tuple = ()
    one_line: tuple = ()
    structured: tuple = ()

    def __init__(self, data, **kwargs):
        super().__init__(data=data, **kwargs)
        for name in self.optional:
            if name not in data:
                del self.fields[name]

    def _post_clean(self):
        for name in self.one_line:
            if isinstance(self.cleaned_data.get(name), str):
                self.cleaned_data[name] = _line_text(self.cleaned_data[name])
        for name in self.structured:
            if isinstance(self.cleaned_data.get(name), str):
                self.cleaned_data[name] = normalise(self.cleaned_data[name])


class CompetitionRowForm(_ImportForm):
    slug = _model_field(Competition, "slug")
    name = _model_field(Competition, "name")
    funder = _model_field(Competition, "funder")
    programme = _model_field(Competition, "programme")
    subprogramme_code = _model_field(Competition, "subprogramme_code")
    subprogramme = _model_field(Competition, "subprogramme")
    years = _model_field(Competition, "years")
    purpose = _model_field(Competition, "purpose", strip=False)
    proposals_submitted = _model_field(Competition, "proposals_submitted")
    projects_funded = _model_field(Competition, "projects_funded")
    total_budget = _model_field(Competition, "total_budget")
    currency = _model_field(Competition, "currency")
    website = _model_field(Competition, "website")

    optional = tuple(k for k in COMPETITION_KEYS if k not in ("slug", "name"))
    one_line = ("name", "funder", "programme", "subprogramme_code", "subprogramme", "years",
                "currency")
    structured = ("purpose",)


class ProjectRowForm(_ImportForm):
    """One project as the file gives it; cluster, region and domain are resolved to rows."""

    number = _model_field(Project, "number")
    acronym = _model_field(Project, "acronym")
    slug = forms.SlugField(max_length=80, required=False)
    title = _model_field(Project, "title")
    start = forms.DateField(input_formats=DATE_FORMATS)
    end = forms.DateField(input_formats=DATE_FORMATS)
    coordinator = _model_field(Project, "coordinator")
    director = _model_field(Project, "director")
    cluster = forms.CharField(max_length=120)
    members = forms.IntegerField(min_value=0, max_value=100000, required=False)
    region = forms.CharField(max_length=200)
    domain = forms.CharField(max_length=200)
    website = _model_field(Project, "website")
    objectives = _model_field(Project, "objectives", strip=False)

    optional = ("slug", "members", "website", "objectives")
    one_line = ("number", "acronym", "title", "coordinator", "director")
    structured = ("objectives",)

    def __init__(self, data, *, lookups: "_Lookups"):
        self.lookups = lookups
        super().__init__(data)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug.lower() in RESERVED_SLUGS:
            raise ValidationError(_("“%(slug)s” is reserved for a page of the portal; choose "
                                    "another slug."), code="reserved", params={"slug": slug})
        return slug

    def clean_cluster(self):
        slug = self.cleaned_data["cluster"]
        cluster = self.lookups.clusters.get(slug)
        if cluster is None:
            raise ValidationError(_("No cluster has the slug “%(slug)s”."), code="unknown",
                                  params={"slug": slug})
        return cluster

    def clean_region(self):
        return self.lookups.resolve("region", self.cleaned_data["region"])

    def clean_domain(self):
        return self.lookups.resolve("domain", self.cleaned_data["domain"])

    def clean(self):
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date cannot be before the start date."))
        return self.cleaned_data


class ReportRowForm(_ImportForm):
    as_of = forms.DateField(input_formats=DATE_FORMATS)
    members = forms.IntegerField(min_value=0, max_value=100000, required=False)
    results = _model_field(StatusReport, "results", strip=False, required=True)
    ongoing_activities = _model_field(StatusReport, "ongoing_activities", strip=False)

    structured = ("results", "ongoing_activities")

    def __init__(self, data, *, project_start: date | None):
        self.project_start = project_start
        super().__init__(data)

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if self.project_start and as_of < self.project_start:
            raise ValidationError(
                _("The as-of date cannot be before the project started (%(date)s)."),
                code="before_start", params={"date": self.project_start.strftime("%d.%m.%Y")})
        if as_of > timezone.localdate():
            raise ValidationError(_("The as-of date cannot be in the future."), code="future")
        return as_of


@dataclass
class _Lookups:
    """The reference rows the file names, loaded once: clusters by slug, regions and domains
    by every spelling the format accepts."""

    clusters: dict
    regions: dict  # slug, code or _key(name) → {pk: Region}
    domains: dict
    exact: dict  # (kind, slug or code) → the row

    @classmethod
    def load(cls, cluster_slugs) -> "_Lookups":
        clusters = {c.slug: c for c in Cluster.objects.filter(slug__in=set(cluster_slugs))}
        regions, domains, exact = {}, {}, {}
        for region in Region.objects.all():
            # The slug and the code are unique: they win over a name that several share.
            exact[("region", region.slug)] = exact[("region", region.code.upper())] = region
            for spelling in (region.slug, region.name_ro, region.name_en):
                regions.setdefault(_key(spelling), {})[region.pk] = region
        for sector in Sector.objects.all():
            exact[("domain", sector.slug)] = sector
            for spelling in (sector.slug, sector.name_ro, sector.name_en):
                domains.setdefault(_key(spelling), {})[sector.pk] = sector
        for table, aliases, kind in ((regions, REGION_ALIASES, "region"),
                                     (domains, DOMAIN_ALIASES, "domain")):
            for alias, slug in aliases.items():
                if alias not in table and (kind, slug) in exact:
                    target = exact[(kind, slug)]
                    table[alias] = {target.pk: target}
        return cls(clusters, regions, domains, exact)

    def resolve(self, kind: str, value: str):
        found = self.exact.get((kind, value)) or self.exact.get((kind, value.upper()))
        if found is not None:
            return found
        matches = (self.regions if kind == "region" else self.domains).get(_key(value), {})
        if len(matches) == 1:
            return next(iter(matches.values()))
        if kind == "region":
            message = (_("“%(value)s” matches several regions: give the region's slug.")
                       if matches else _("No region is called “%(value)s”."))
        else:
            message = (_("“%(value)s” matches several domains: give the domain's slug.")
                       if matches else _("No domain is called “%(value)s”."))
        raise ValidationError(message, code="unknown", params={"value": value})


# --- Validation: the plan of what would change -----------------------------------------------

@dataclass
class _ProjectPlan:
    line: int | None
    project: Project
    competition_slug: str
    created: bool
    changed: list[str]
    new_reports: list[StatusReport]
    unchanged_reports: int


@dataclass
class _CompetitionPlan:
    competition: Competition
    created: bool
    changed: list[str]


def _model_errors(instance, line, errors: _Errors, names=None, exclude=()):
    """The model's own field checks (limits the forms might not know), without queries."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False,
                            validate_constraints=False)
    except ValidationError as exc:
        errors.add_validation(line, exc, names)
        return False
    return True


def _plan_competition(values, line, errors: _Errors) -> _CompetitionPlan | None:
    prepared = _prepared(values, COMPETITION_KEYS, line, errors)
    if prepared is None:
        return None
    form = CompetitionRowForm(prepared)
    if not form.is_valid():
        errors.add_form(line, form)
        return None
    cleaned = form.cleaned_data
    competition = Competition.objects.select_for_update().filter(slug=cleaned["slug"]).first()
    created = competition is None
    if created:
        competition = Competition(slug=cleaned["slug"])
    changed = []
    for name, value in cleaned.items():
        if name != "slug" and getattr(competition, name) != value:
            setattr(competition, name, value)
            changed.append(name)
    if not _model_errors(competition, line, errors):
        return None
    return _CompetitionPlan(competition, created, changed)


def _plan(rows: list[_ProjectRow], competitions: dict, errors: _Errors,
          default_competition: str) -> list[_ProjectPlan]:
    """Validate every project and report row; return what would be written. `competitions`
    maps a slug to its Competition (saved, or about to be created); a row without its own
    competition (JSON) belongs to `default_competition`."""
    lookups = _Lookups.load(str(row.values.get("cluster")).strip() for row in rows
                            if isinstance(row.values.get("cluster"), str | int))
    checked = []  # (row, cleaned project values) for the rows whose form is valid
    for row in rows:
        prepared = _prepared(row.values, PROJECT_KEYS, row.line, errors)
        if row.competition_slug is not None and row.competition_slug not in competitions:
            errors.add(row.line, "competition",
                       _("No competition has the slug “%(slug)s”.")
                       % {"slug": row.competition_slug} if row.competition_slug
                       else _("This field is required."))
        if prepared is None:
            _plan_reports(row, None, None, {}, errors)  # their errors are reported too
            continue
        form = ProjectRowForm(prepared, lookups=lookups)
        if form.is_valid():
            checked.append((row, form.cleaned_data))
        else:
            errors.add_form(row.line, form)
            # The reports are still checked, against the start date if that one is valid.
            _plan_reports(row, form.cleaned_data.get("start"), None, {}, errors)

    numbers = {cleaned["number"] for _row, cleaned in checked}
    existing = {
        (p.competition.slug, p.number): p
        for p in Project.objects.select_related("competition")
        .filter(competition__slug__in=list(competitions), number__in=numbers)
    }
    accepted = {}  # project pk → {as_of: report}
    for report in StatusReport.objects.accepted().filter(
            project__in=[p.pk for p in existing.values()]).order_by():
        accepted.setdefault(report.project_id, {})[report.as_of] = report

    plans, seen_numbers, seen_slugs = [], {}, {}
    for row, cleaned in checked:
        slug_key = (row.competition_slug if row.competition_slug is not None
                    else default_competition)
        key = (slug_key, cleaned["number"])
        project = existing.get(key)
        slug = cleaned.get("slug") or (project.slug if project else slugify(cleaned["acronym"]))
        if key in seen_numbers:
            errors.add(row.line, "number", _(
                "Project %(number)s appears twice in the file (first on line %(line)s).")
                % {"number": cleaned["number"], "line": seen_numbers[key] or "?"})
            continue
        seen_numbers[key] = row.line
        if not slug:
            errors.add(row.line, "slug", _("Cannot make a slug from the acronym: give one."))
        elif slug in seen_slugs:
            errors.add(row.line, "slug", _(
                "The slug “%(slug)s” appears twice in the file (first on line %(line)s).")
                % {"slug": slug, "line": seen_slugs[slug] or "?"})
        elif slug.lower() in RESERVED_SLUGS:
            errors.add(row.line, "slug", _("“%(slug)s” is reserved for a page of the portal; "
                                           "choose another slug.") % {"slug": slug})
        seen_slugs.setdefault(slug, row.line)
        plan = _plan_project(row, cleaned, slug, project, competitions.get(slug_key),
                             accepted.get(project.pk, {}) if project else {}, errors)
        if plan is not None:
            plans.append(plan)

    # A slug already used by a project that is not this row's project.
    owners = dict(Project.objects.filter(slug__in=[p.project.slug for p in plans])
                  .values_list("slug", "pk"))
    for plan in plans:
        owner = owners.get(plan.project.slug)
        if owner is not None and owner != plan.project.pk:
            errors.add(plan.line, "slug", _(
                "The slug “%(slug)s” is already used by another project.")
                % {"slug": plan.project.slug})
    return plans


def _plan_project(row, cleaned, slug, project, competition, accepted, errors):
    values = {
        "acronym": cleaned["acronym"], "slug": slug, "title": cleaned["title"],
        "start_date": cleaned["start"], "end_date": cleaned["end"],
        "coordinator": cleaned["coordinator"], "director": cleaned["director"],
        "cluster_id": cleaned["cluster"].pk, "region_id": cleaned["region"].pk,
        "domain_id": cleaned["domain"].pk,
    }
    for attr, name in (("website", "website"), ("objectives", "objectives")):
        if name in cleaned:
            values[attr] = cleaned[name]
        elif project is None:
            values[attr] = ""
    new_reports, unchanged = _plan_reports(row, cleaned["start"], project, accepted, errors)
    if new_reports is None:
        return None
    # The member count follows the latest accepted report that gives one (as the review
    # workflow keeps it); the file's "members" counts only when no report gives a count.
    counted = sorted([(r.as_of, r.members_count) for r in accepted.values()
                      if r.members_count is not None]
                     + [(r.as_of, r.members_count) for r in new_reports
                        if r.members_count is not None])
    if counted:
        values["members_count"] = counted[-1][1]
    elif "members" in cleaned:
        values["members_count"] = cleaned["members"]
    elif project is None:
        values["members_count"] = None

    created = project is None
    if created:
        project = Project(competition=competition, number=cleaned["number"])
    changed = []
    for attr, value in values.items():
        if getattr(project, attr) != value:
            setattr(project, attr, value)
            changed.append(attr)
    if not _model_errors(project, row.line, errors, PROJECT_FILE_NAMES, exclude=FOREIGN_KEYS):
        return None
    return _ProjectPlan(row.line, project, competition.slug if competition else "", created,
                        changed, new_reports, unchanged)


def _plan_reports(row, start, project, accepted, errors):
    """The reports of a row that are new, and how many are already accepted as they are;
    (None, 0) when one of them is wrong."""
    new_reports, unchanged, ok, seen = [], 0, True, {}
    for report_row in row.reports:
        line, names = report_row.line, report_row.names
        prepared = _prepared(report_row.values, REPORT_KEYS, line, errors, names)
        if prepared is None:
            ok = False
            continue
        form = ReportRowForm(prepared, project_start=start)
        if not form.is_valid():
            errors.add_form(line, form, names)
            ok = False
            continue
        cleaned = form.cleaned_data
        as_of = cleaned["as_of"]
        shown_date = as_of.strftime("%d.%m.%Y")
        if as_of in seen:
            errors.add(line, "as_of", _(
                "The project has two reports as of %(date)s in the file (first on line "
                "%(line)s).") % {"date": shown_date, "line": seen[as_of] or "?"})
            ok = False
            continue
        seen[as_of] = line
        report = StatusReport(
            project=project, as_of=as_of, members_count=cleaned.get("members"),
            results=cleaned["results"], ongoing_activities=cleaned["ongoing_activities"],
            state=StatusReport.State.ACCEPTED, source=StatusReport.Source.IMPORT,
            accepted_at=timezone.now(),
        )
        current = accepted.get(as_of)
        if current is not None:
            differs = [
                names.get(name, name) for name, attr in (
                    ("members", "members_count"), ("results", "results"),
                    ("ongoing_activities", "ongoing_activities"))
                if (normalise(getattr(current, attr)) if attr != "members_count"
                    else current.members_count)
                != (normalise(getattr(report, attr)) if attr != "members_count"
                    else report.members_count)
            ]
            if differs:
                errors.add(line, "as_of", _(
                    "A different report as of %(date)s is already accepted for this project "
                    "(it differs in: %(fields)s). Accepted reports are never changed: give "
                    "the new situation a later as-of date.")
                    % {"date": shown_date, "fields": ", ".join(differs)})
                ok = False
            else:
                unchanged += 1
            continue
        if not _model_errors(report, line, errors, {"members_count": names.get(
                "members", "members")}, exclude=["project"]):
            ok = False
            continue
        new_reports.append(report)
    return (new_reports if ok else None), unchanged


# --- Writing ---------------------------------------------------------------------------------

def _write(competition_plans: list[_CompetitionPlan], plans: list[_ProjectPlan],
           competitions: dict, source: str) -> None:
    for plan in competition_plans:
        if plan.created:
            plan.competition.save()
        elif plan.changed:
            plan.competition.save(update_fields=[*plan.changed, "updated_at"])
    now = timezone.now()
    for plan in plans:
        project = plan.project
        if plan.created:
            project.competition = competitions[plan.competition_slug]
            project.save()
        elif plan.changed:
            project.save(update_fields=plan.changed)
        for report in plan.new_reports:
            report.project = project
            report.accepted_at = now
            report.save()
            ReviewEntry.objects.create(report=report, action=ReviewEntry.Action.IMPORTED,
                                       comment=source, at=now)
        if plan.new_reports:
            _sync_members_count(plan.new_reports[-1])


def _result(competition_plans, plans) -> ImportResult:
    result = ImportResult()
    for plan in competition_plans:
        if plan.created:
            result.competitions_created += 1
        elif plan.changed:
            result.competitions_updated += 1
    for plan in plans:
        if plan.created:
            result.projects_created += 1
        elif plan.changed:
            result.projects_updated += 1
        else:
            result.projects_unchanged += 1
        result.reports_added += len(plan.new_reports)
        result.reports_unchanged += plan.unchanged_reports
    return result


def _run(rows, errors: _Errors, *, competition_block=None, competition_slugs=(),
         default_competition="", dry_run: bool, source: str) -> ImportResult:
    """Validate the rows (and the JSON's competition block), then write all or nothing."""
    if len(rows) > MAX_ROWS:
        raise _too_many(len(rows), "projects")
    reports = sum(len(row.reports) for row in rows)
    if reports > MAX_ROWS:
        raise _too_many(reports, "reports")
    with transaction.atomic():
        competition_plans, competitions = [], {}
        if competition_block is not None:
            values, line = competition_block
            plan = _plan_competition(values, line, errors)
            if plan is not None:
                competition_plans.append(plan)
                competitions[plan.competition.slug] = plan.competition
        else:
            # Lock the competitions so that two imports into one competition run one by one.
            competitions = {c.slug: c for c in Competition.objects.select_for_update()
                            .filter(slug__in=set(competition_slugs))}
        plans = _plan(rows, competitions, errors, default_competition)
        errors.fail_if_any()
        if not dry_run:
            _write(competition_plans, plans, competitions, source)
    return _result(competition_plans, plans)


# --- JSON ------------------------------------------------------------------------------------

def _import_json_text(text: str, *, dry_run: bool, source: str) -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed([RowError(exc.lineno, None, _(
            "The file is not valid JSON (column %(column)d): %(error)s.")
            % {"column": exc.colno, "error": exc.msg})]) from exc
    except RecursionError as exc:
        raise ImportFailed([RowError(None, None, _("The file is nested too deeply."))]) from exc
    return _import_json(data, _JsonLines(text), dry_run=dry_run, source=source)


def _import_json(data, lines, *, dry_run: bool, source: str) -> ImportResult:
    errors = _Errors()
    if not isinstance(data, dict):
        raise ImportFailed([RowError(lines.start, None, _(
            "The file must hold one JSON object with the keys format, competition and "
            "projects."))])
    for key in data:
        if key not in TOP_KEYS:
            errors.add(lines.top(key), key, _("Unknown field."))
    version = data.get("format")
    if version is None:
        errors.add(lines.start, "format", _("This field is required."))
    elif version != FORMAT:
        errors.add(lines.top("format"), "format", _(
            "Unknown format “%(value)s”: this portal reads “%(expected)s”.")
            % {"value": version, "expected": FORMAT})
    block = data.get("competition")
    if not isinstance(block, dict):
        errors.add(lines.top("competition") or lines.start, "competition", _(
            "Give the competition as an object with at least its slug and name.")
            if block is not None else _("This field is required."))
        block = None
    projects = data.get("projects")
    if not isinstance(projects, list):
        errors.add(lines.top("projects") or lines.start, "projects",
                   _("Give the projects as a list.") if projects is not None
                   else _("This field is required."))
        projects = []
    rows = []
    for index, item in enumerate(projects):
        line = lines.project(index)
        if not isinstance(item, dict):
            errors.add(line, None, _("Each project must be a JSON object."))
            continue
        values = {k: v for k, v in item.items() if k != "reports"}
        row = _ProjectRow(line, values)
        reports = item.get("reports")
        reports = [] if reports is None else reports
        if not isinstance(reports, list):
            errors.add(line, "reports", _("Give the reports as a list."))
            continue
        for report_index, report in enumerate(reports):
            report_line = lines.report(index, report_index)
            if not isinstance(report, dict):
                errors.add(report_line, "reports", _("Each report must be a JSON object."))
                continue
            row.reports.append(_ReportRow(report_line, report))
        rows.append(row)
    slug = block.get("slug") if block is not None else None
    return _run(rows, errors,
                competition_block=(block, lines.competition()) if block is not None else None,
                default_competition=slug if isinstance(slug, str) else "",
                dry_run=dry_run, source=source)


# --- CSV -------------------------------------------------------------------------------------

def _import_csv_text(text: str, *, dry_run: bool, source: str) -> ImportResult:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors = _Errors()
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise ImportFailed([RowError(None, None, _("The file is empty."))]) from None
    except csv.Error as exc:
        raise ImportFailed([RowError(1, None, _("The header line cannot be read: %(error)s.")
                                     % {"error": exc})]) from exc
    for position, name in enumerate(header):
        if name not in CSV_COLUMNS:
            errors.add(1, name or None, _("Unknown column."))
        elif name in header[:position]:
            errors.add(1, name, _("This column appears twice."))
    for name in CSV_REQUIRED:
        if name not in header:
            errors.add(1, name, _("This column is missing."))
    errors.fail_if_any()

    rows, last_line = [], reader.line_num
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, or a row of empty cells
            if len(cells) != len(header):
                errors.add(line, None, _(
                    "This row has %(cells)d cells but the header has %(columns)d.")
                    % {"cells": len(cells), "columns": len(header)})
                continue
            rows.append(_csv_row(line, dict(zip(header, cells, strict=True))))
            if len(rows) > MAX_ROWS:
                raise _too_many(len(rows), "projects")
    except csv.Error as exc:
        errors.add(last_line + 1, None, _(
            "This row cannot be read (%(error)s): is a quoted cell left open?")
            % {"error": exc})
    return _run(rows, errors, competition_slugs={row.competition_slug for row in rows},
                dry_run=dry_run, source=source)


def _csv_row(line: int, cells: dict) -> _ProjectRow:
    def value(name, raw):
        return raw if name in STRUCTURED else raw.strip()

    row = _ProjectRow(line, {name: value(name, raw) for name, raw in cells.items()
                             if name in PROJECT_KEYS},
                      competition_slug=cells["competition"].strip())
    # An empty slug cell means "not given": keep the project's slug, or make one.
    if not row.values.get("slug"):
        row.values.pop("slug", None)
    report = {CSV_REPORT_COLUMNS[name]: value(name, raw) for name, raw in cells.items()
              if name in CSV_REPORT_COLUMNS}
    if any(v.strip() for v in report.values()):
        row.reports.append(_ReportRow(line, report, names={"members": "report_members"}))
    return row
