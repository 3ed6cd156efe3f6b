"""Two programme officers accepting two reports of one project for the same date at the same
moment: exactly one is accepted, the other gets a clear refusal (not a database error). The
project row's lock in services.report_accept is what makes this hold."""

import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects import services
from projects.models import StatusReport
from tests.factories import UserFactory

pytestmark = [pytest.mark.services,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OFFICERS = 6


def test_same_date_accepted_once(require_postgresql, project, manager, officer, monkeypatch):
    others = [UserFactory(staff=True) for _ in range(OFFICERS - 1)]
    group = officer.groups.get()
    for user in others:
        user.groups.add(group)
    officers = [officer, *others]
    reports = []
    for i in range(OFFICERS):
        report = services.report_create(project=project, user=manager, as_of=date(2019, 12, 31),
                                        results=f"- varianta {i}")
        reports.append(services.report_submit(report=report, user=manager))

    # Widen the window between the check and the write, so that without the lock every thread
    # would pass the check before any of them writes (and this test fails: checked by removing
    # the lock).
    check = services._check_no_accepted_on_same_date

    def slow_check(report):
        check(report)
        time.sleep(0.3)

    monkeypatch.setattr(services, "_check_no_accepted_on_same_date", slow_check)
    barrier = threading.Barrier(OFFICERS, timeout=60)
    outcomes = {}

    def accept(i):
        try:
            barrier.wait()
            services.report_accept(report=reports[i], user=officers[i])
            outcomes[i] = "accepted"
        except ValidationError:
            outcomes[i] = "refused"
        except Exception as exc:  # an IntegrityError here would be a 500 for a user
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(OFFICERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes.values()) == ["accepted"] + ["refused"] * (OFFICERS - 1)
    assert StatusReport.objects.accepted().filter(project=project).count() == 1
