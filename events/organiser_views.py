"""The organisers' pages: create, edit, copy and cancel events; see, export and e-mail the
attendees.

Who may do what is decided by events.permissions, in one place here (`_event_for_manager`):
an event the user may not see is a 404 (its title never appears), one they see but do not
organise is a 403. Every write goes through events.services, which also e-mail the attendees
when an event moves or is cancelled."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.text import csv_safe

from . import permissions, services
from .forms import AttendeesEmailForm, CancelForm, EventForm, initial_from
from .models import Event, Registration

CSV_COLUMNS = ["name", "email", "organisation", "country", "status", "registered_at"]
MESSAGES_SHOWN = 50


def _event_for_manager(request, pk) -> Event:
    """The event if this user organises it: 404 if they may not even see it, 403 if they
    see it but may not manage it."""
    event = get_object_or_404(Event.objects.select_related("working_group", "series"), pk=pk)
    if not permissions.can_view(request.user, event):
        raise Http404
    if not permissions.can_manage(request.user, event):
        raise PermissionDenied
    return event


def _render_form(request, form, *, mode: str, event=None, source=None):
    status = 400 if form.is_bound else 200
    return render(request, "events/form.html", {
        "form": form, "mode": mode, "event": event, "source": source,
    }, status=status)


def _create_from(request, form, *, mode: str, source=None):
    """Create the event (or series) the valid form describes; else show the form again."""
    if form.is_bound and form.is_valid():
        try:
            event = services.event_create(
                by=request.user, clusters=form.cleaned_data["clusters"],
                repeat=form.repeat_rule(), **form.event_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if event.series_id:
                count = event.series.occurrences.count()
                messages.success(request, ngettext(
                    "“%(title)s” has been created as a series of %(count)s occurrence.",
                    "“%(title)s” has been created as a series of %(count)s occurrences.",
                    count) % {"title": event.title, "count": count})
            else:
                messages.success(request, _("“%(title)s” has been created.")
                                 % {"title": event.title})
            return redirect(event)
    return _render_form(request, form, mode=mode, source=source)


def _bound_data(request):
    return request.POST if request.method == "POST" else None


# --- create, copy, edit ---------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not permissions.can_create_events(request.user):
        raise PermissionDenied
    form = EventForm(_bound_data(request), user=request.user)
    return _create_from(request, form, mode="create")


@login_required
@require_http_methods(["GET", "POST"])
def copy(request, pk):
    """A new event that starts from this one's details (the organiser changes the date)."""
    source = _event_for_manager(request, pk)
    initial = initial_from(services.copy_fields(source), clusters=source.clusters.all())
    form = EventForm(_bound_data(request), user=request.user, initial=initial)
    return _create_from(request, form, mode="copy", source=source)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    event = _event_for_manager(request, pk)
    if event.is_cancelled:
        messages.error(request, _("This event has been cancelled: it can no longer be changed. "
                                  "You can copy it to make a new one."))
        return redirect(event)
    initial = initial_from(services.copy_fields(event), clusters=event.clusters.all())
    form = EventForm(_bound_data(request), user=request.user, event=event, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            updated = services.event_update(
                event=event, by=request.user, clusters=form.cleaned_data["clusters"],
                following=form.following(), **form.event_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _edit_message(event, updated, form.following()))
            return redirect(updated)
    return _render_form(request, form, mode="edit", event=event)


def _edit_message(before: Event, after: Event, following: bool) -> str:
    parts = [_("The changes have been saved for this occurrence and the following ones.")
             if following else _("The changes have been saved.")]
    if after.sequence != before.sequence:  # the services bump it when the time or place moves
        told = services.attendees(after, waiting=True).count()
        if told:
            parts.append(ngettext(
                "The person registered has been sent the new details by e-mail.",
                "The %(count)s people registered or waiting have been sent the new details "
                "by e-mail.", told) % {"count": told})
    return " ".join(parts)


# --- cancel -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    event = _event_for_manager(request, pk)
    if event.is_cancelled:
        if request.method == "POST":
            messages.info(request, _("This event had already been cancelled."))
            return redirect(event)
        return render(request, "events/cancel.html", {"event": event})
    form = CancelForm(_bound_data(request), series=bool(event.series_id))
    if form.is_bound and form.is_valid():
        if form.following():
            count = services.series_cancel(event=event, by=request.user)
            messages.success(request, ngettext(
                "%(count)s occurrence has been cancelled. Everyone registered has been told "
                "by e-mail.",
                "%(count)s occurrences have been cancelled: this one and the following ones. "
                "Everyone registered has been told by e-mail.", count) % {"count": count})
        else:
            services.event_cancel(event=event, by=request.user)
            messages.success(request, _("The event has been cancelled. Everyone registered "
                                        "has been told by e-mail."))
        return redirect(event)
    context = {"event": event, "form": form,
               "attendee_count": services.attendees(event, waiting=True).count()}
    if event.series_id:
        # The occurrences "this and the following" would cancel (as services.series_cancel).
        context["following_count"] = services.later_occurrences(event).count()
    return render(request, "events/cancel.html", context, status=400 if form.is_bound else 200)


# --- attendees ----------------------------------------------------------------------------------

def _attendee_rows(event: Event) -> list[tuple[Registration, int | None]]:
    """Everyone registered, then the waiting list in its order, with their place in it."""
    rows, position = [], 0
    for registration in services.attendees(event, waiting=True):
        if registration.status == Registration.Status.WAITING:
            position += 1
            rows.append((registration, position))
        else:
            rows.append((registration, None))
    return rows


@login_required
@require_safe
def attendees(request, pk):
    event = _event_for_manager(request, pk)
    rows = _attendee_rows(event)
    registered = sum(1 for _registration, position in rows if position is None)
    return render(request, "events/attendees.html", {
        "event": event,
        "rows": rows,
        "registered_count": registered,
        "waiting_count": len(rows) - registered,
        "seats_left": None if event.capacity is None else max(event.capacity - registered, 0),
    })



@login_required
@require_safe
@never_cache
def attendees_csv(request, pk):
    """The attendee list for a spreadsheet: UTF-8 with a BOM, so that Excel reads the
    diacritics (ă, â, î, ș, ț) right; times in ISO 8601 with the viewer's UTC offset."""
    event = _event_for_manager(request, pk)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for registration, _position in _attendee_rows(event):
        user = registration.user
        writer.writerow([
            csv_safe(user.full_name), csv_safe(user.email), csv_safe(user.organisation),
            str(user.country.name) if user.country else "", registration.status,
            timezone.localtime(registration.created_at).isoformat(timespec="seconds"),
        ])
    response = HttpResponse(out.getvalue().encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-attendees.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def email_attendees(request, pk):
    event = _event_for_manager(request, pk)
    counts = event.registrations.aggregate(
        registered=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)))
    form = AttendeesEmailForm(_bound_data(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        recipients = counts["registered"] + (counts["waiting"] if data["waiting"] else 0)
        if not recipients:
            form.add_error(None, _("Nobody is registered yet: there is nobody to write to."))
        else:
            message = services.attendees_email(event=event, by=request.user,
                                               subject=data["subject"], body=data["body"],
                                               waiting=data["waiting"])
            messages.success(request, ngettext(
                "Your message is on its way to %(count)s person.",
                "Your message is on its way to %(count)s people.",
                message.recipients) % {"count": message.recipients})
            return redirect("events:email_attendees", pk=event.pk)
    return render(request, "events/email_attendees.html", {
        "event": event,
        "form": form,
        "registered_count": counts["registered"],
        "waiting_count": counts["waiting"],
        "sent": event.messages.select_related("sender")[:MESSAGES_SHOWN],
    }, status=400 if form.is_bound else 200)
