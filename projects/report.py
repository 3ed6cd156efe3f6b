"""The programme report as a document: what every format (HTML, PDF, DOCX) prints, in the
structure of the agency's report "Stadiul proiectelor “Cluster inovativ” la 31.12.2019": a
title, a preamble, then one section per project with its table (title, implementation period,
coordinator, director, cluster members, region, domain), the website, the objectives, the main
results and the ongoing activities.

The title and the preamble are written here from the Competition's fields, with gettext, so
that the Romanian catalogue gives back the agency's own sentences; the `# Translators:`
comments carry the intended Romanian wording. The data (names, titles, results) stays as
entered, diacritics intact. Built on selectors.programme_report: three queries whatever the
number of projects."""

from dataclasses import dataclass, field
from datetime import date
from string import Formatter

from django import forms
from django.utils import formats, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from . import selectors
from .forms import DateInput
from .models import Competition, Project, StatusReport
from .text import Block, parse_blocks

DATE_FORMAT = "d.m.Y"  # the agency's: 01.06.2018 - 31.05.2020


@dataclass
class Run:
    """A piece of a paragraph; `strong` pieces are the names the agency prints in bold."""

    text: str
    strong: bool = False


@dataclass
class ReportSection:
    project: Project
    report: StatusReport | None
    heading: str  # "Nr. proiect/acronim 1 CLS/INOV-TREC"
    cells: list[str]  # the table's row, in the order of ReportDocument.columns
    website: str
    objectives: list[Block]
    results: list[Block]
    activities: list[Block]
    note: str  # which report the section shows, or that there is none

    @property
    def anchor(self) -> str:
        return f"project-{self.project.slug}"


@dataclass
class ReportDocument:
    competition: Competition
    as_of: date
    title: str
    preamble_heading: str
    preamble: list[list[Run]]  # paragraphs of runs
    columns: list[str]
    labels: dict[str, str]  # section labels: number, website, objectives, results, activities
    sections: list[ReportSection] = field(default_factory=list)
    empty_message: str = ""
    language: str = "ro"

    @property
    def reported(self) -> int:
        return sum(1 for s in self.sections if s.report is not None)

    @property
    def filename_stem(self) -> str:
        """"stadiul-proiectelor-cluster-inovativ-2019-12-31": ASCII, for downloads."""
        # Translators: the start of the downloads' file names: Stadiul proiectelor
        return file_stem(_("Status of the projects"), self.competition, self.as_of)


class AsOfForm(forms.Form):
    """The `?as_of=` of the report and its downloads: an ISO date (yyyy-mm-dd)."""

    as_of = forms.DateField(
        label=gettext_lazy("Status as of"), required=False, input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        help_text=gettext_lazy("Each project is shown with its latest accepted status report "
                               "up to this date."),
        error_messages={"invalid": gettext_lazy(
            "Enter a valid date in the form yyyy-mm-dd, for example 2019-12-31.")})


# --- wording ------------------------------------------------------------------------------------

def format_day(day: date | None) -> str:
    return formats.date_format(day, DATE_FORMAT) if day else ""


def long_date(day: date) -> str:
    """"31 decembrie 2019" / "31 December 2019". Romanian writes month names in lower case
    (Django's catalogue capitalises them)."""
    text = formats.date_format(day, "j F Y")
    return text.lower() if translation.get_language() == "ro" else text


def short_name(competition: Competition) -> str:
    """"Cluster Inovativ" from "Organizare și dezvoltare cluster – Cluster Inovativ": the name
    the agency's title uses (the part after the last dash), else the whole name."""
    name = competition.name.strip()
    for dash in (" – ", " — ", " - "):
        if dash in name:
            return name.rsplit(dash, 1)[1].strip() or name
    return name


def file_stem(base: str, competition: Competition, day: date) -> str:
    return "-".join(part for part in (slugify(base), slugify(short_name(competition)),
                                      day.isoformat()) if part)


def runs(template: str, strong: tuple[str, ...] = (), **values) -> list[Run]:
    """The text of `template` ("… {name} …") as runs, with the named fields in `strong`
    printed in bold: a translator moves the placeholders, the bold follows them."""
    out: list[Run] = []
    for literal, name, _spec, _conversion in Formatter().parse(template):
        if literal:
            out.append(Run(literal))
        if name is not None:
            out.append(Run(str(values[name]), strong=name in strong))
    return out


def report_title(competition: Competition, as_of: date) -> str:
    # Translators: the agency's title: Stadiul proiectelor „{name}” la {date}
    return _("Status of the “{name}” projects as of {date}").format(
        name=short_name(competition), date=format_day(as_of))


def preamble(competition: Competition, as_of: date) -> list[list[Run]]:
    """The agency's four preamble paragraphs, each only when the competition has its facts."""
    paragraphs = []
    name = competition.name
    subprogramme = ". ".join(p for p in (competition.subprogramme_code.rstrip("."),
                                         competition.subprogramme) if p)
    programme = competition.programme
    bold = ("name", "subprogramme", "programme")
    if subprogramme and programme:
        # Translators: Competiția pentru instrumentul de finanțare „{name}” face parte din
        # subprogramul {subprogramme}, din cadrul programului {programme}.
        text = _("The competition for the funding instrument “{name}” is part of subprogramme "
                 "{subprogramme}, within the programme {programme}.")
    elif subprogramme:
        # Translators: Competiția pentru instrumentul de finanțare „{name}” face parte din
        # subprogramul {subprogramme}.
        text = _("The competition for the funding instrument “{name}” is part of subprogramme "
                 "{subprogramme}.")
    elif programme:
        # Translators: Competiția pentru instrumentul de finanțare „{name}” face parte din
        # programul {programme}.
        text = _("The competition for the funding instrument “{name}” is part of the "
                 "programme {programme}.")
    else:
        # Translators: Competiția pentru instrumentul de finanțare „{name}” este finanțată de
        # {funder}.
        text = _("The competition for the funding instrument “{name}” is funded by {funder}.")
    paragraphs.append(runs(text, bold, name=name, subprogramme=subprogramme,
                           programme=programme, funder=competition.funder))

    submitted, funded = competition.proposals_submitted, competition.projects_funded
    counts = ""
    if submitted is not None and funded is not None:
        # Translators: {submitted} is e.g. "16 proiecte depuse", {funded} "12 proiecte au
        # fost finanțate": … a reunit 16 proiecte depuse, dintre care 12 proiecte au fost
        # finanțate.
        counts = _("{submitted}, of which {funded}").format(
            # Translators: %(count)s proiect depus / %(count)s proiecte depuse / %(count)s de
            # proiecte depuse
            submitted=ngettext("%(count)s submitted proposal", "%(count)s submitted proposals",
                               submitted) % {"count": submitted},
            # Translators: %(count)s proiect a fost finanțat / %(count)s proiecte au fost
            # finanțate / %(count)s de proiecte au fost finanțate
            funded=ngettext("%(count)s project was funded", "%(count)s projects were funded",
                            funded) % {"count": funded})
    if competition.purpose and counts:
        # Translators: Realizată cu scopul de {purpose}, această competiție a reunit {counts}.
        paragraphs.append(runs(_("Held with the purpose of {purpose}, this competition "
                                 "brought together {counts}."),
                               purpose=competition.purpose.strip().rstrip("."), counts=counts))
    elif competition.purpose:
        # Translators: Competiția a fost realizată cu scopul de {purpose}.
        paragraphs.append(runs(_("The competition was held with the purpose of {purpose}."),
                               purpose=competition.purpose.strip().rstrip(".")))
    elif counts:
        # Translators: Această competiție a reunit {counts}.
        paragraphs.append(runs(_("This competition brought together {counts}."),
                               counts=counts))

    # Translators: La solicitarea {funder}, directorii proiectelor finanțate au trimis
    # prezentări care evidențiază stadiul implementării proiectelor la data de {date}.
    paragraphs.append(runs(
        _("At the request of {funder}, the directors of the funded projects sent "
          "presentations showing the state of implementation of the projects as of {date}."),
        funder=competition.funder, date=long_date(as_of)))
    if competition.years:
        # Translators: Astfel, rezultatele și evoluția proiectelor finanțate în cadrul
        # competiției „{name}” {years} pot fi consultate în prezentul raport.
        text = _("The results and progress of the projects funded in the competition "
                 "“{name}” {years} can thus be read in this report.")
    else:
        # Translators: Astfel, rezultatele și evoluția proiectelor finanțate în cadrul
        # competiției „{name}” pot fi consultate în prezentul raport.
        text = _("The results and progress of the projects funded in the competition "
                 "“{name}” can thus be read in this report.")
    paragraphs.append(runs(text, ("name", "years"), name=name, years=competition.years))
    return paragraphs


# The labels have their own context: the report's Romanian words ("Regiunea") may differ
# from the same English word elsewhere in the interface ("Regiune").


def column_labels() -> list[str]:
    """The table's header, as the agency's: Titlu | Perioadă implementare | Coordonator |
    Director proiect | Nr. membri cluster | Regiunea | Domeniu."""
    return [
        # Translators: Titlu
        pgettext("programme report", "Title"),
        # Translators: Perioadă implementare
        pgettext("programme report", "Implementation period"),
        # Translators: Coordonator
        pgettext("programme report", "Coordinator"),
        # Translators: Director proiect
        pgettext("programme report", "Project director"),
        # Translators: Nr. membri cluster
        pgettext("programme report", "No. of cluster members"),
        # Translators: Regiunea
        pgettext("programme report", "Region"),
        # Translators: Domeniu
        pgettext("programme report", "Domain"),
    ]


def section_labels() -> dict[str, str]:
    return {
        # Translators: Nr. proiect/acronim
        "number": pgettext("programme report", "Project no./acronym"),
        # Translators: Site proiect
        "website": pgettext("programme report", "Project website"),
        # Translators: Obiectivul proiectului:
        "objectives": pgettext("programme report", "Project objective:"),
        # Translators: Principalele rezultate:
        "results": pgettext("programme report", "Main results:"),
        # Translators: Activități în curs:
        "activities": pgettext("programme report", "Ongoing activities:"),
    }


def period(project: Project) -> str:
    return f"{format_day(project.start_date)} - {format_day(project.end_date)}"


def _section(entry: selectors.ReportSection, labels: dict[str, str]) -> ReportSection:
    project, report = entry.project, entry.report
    members = entry.members_count
    if report is None:
        # Translators: Niciun raport de stadiu acceptat la această dată.
        note = _("No status report accepted as of this date.")
    else:
        # Translators: Stadiul la {date} (raportul acceptat cel mai recent).
        note = _("Status as of {date} (the latest accepted report).").format(
            date=format_day(report.as_of))
    return ReportSection(
        project=project, report=report,
        heading=f"{labels['number']} {project.label}",
        cells=[project.title, period(project), project.coordinator, project.director,
               "" if members is None else str(members), project.region.name,
               project.domain.name],
        website=project.website,
        objectives=parse_blocks(project.objectives),
        results=parse_blocks(report.results) if report else [],
        activities=parse_blocks(report.ongoing_activities) if report else [],
        note=note,
    )


def build(competition: Competition, as_of: date | None = None) -> ReportDocument:
    """The programme report as of `as_of` (default: the newest accepted report's date), in
    the active language."""
    data = selectors.programme_report(competition, as_of)
    labels = section_labels()
    return ReportDocument(
        competition=competition, as_of=data.as_of,
        title=report_title(competition, data.as_of),
        # Translators: PREAMBUL
        preamble_heading=_("Preamble"),
        preamble=preamble(competition, data.as_of),
        columns=column_labels(),
        labels=labels,
        sections=[_section(entry, labels) for entry in data.sections],
        # Translators: Niciun proiect al competiției nu începuse la această dată.
        empty_message=_("No project of this competition had started by this date."),
        language=translation.get_language() or "ro",
    )


def plain(paragraph: list[Run]) -> str:
    return "".join(run.text for run in paragraph)
