"""Is the service able to do its job: database, a live batch worker, and the queue's depth.

The report also carries the layout canary's last result (batch/jma/canary.py): a refused page
makes its status `layout_changed`, which operators must act on, but does not make the service
unhealthy: observatory pages and cached months may still serve users.

Three questions, three answers (presentation: health/live, health/ready, health/):
- live: this process answers (nothing to compute here);
- ready: this API node can serve requests, i.e. its database answers (database_ready());
- the full report (health()): also whether any batch worker is alive and how deep the queue
  is. That is the service's health, for monitoring; a load balancer must not use it, or every
  API node drops out of service when the daemons stop.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Max

from common import clock
from repository.models import CanaryRun, FileRequest, Worker

log = logging.getLogger(__name__)


def database_ready() -> bool:
    """The database answers a trivial query (readiness of an API node)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.warning("ready: database unreachable: %s", exc)
        return False
    return True


def health() -> dict:
    """A report with "healthy": False when the database is unreachable or no worker is alive."""
    now = clock.now()
    report: dict = {"healthy": False, "checked_at": now, "database": {"ok": False}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        counts = dict(
            FileRequest.objects.filter(status__in=FileRequest.ACTIVE_STATUSES)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
        stale_after = timedelta(seconds=settings.HEALTH_WORKER_STALE_S)
        live = Worker.objects.filter(stopped_at__isnull=True, heartbeat_at__gte=now - stale_after)
        last_heartbeat = Worker.objects.aggregate(last=Max("heartbeat_at"))["last"]
        live_count = live.count()
        canary = canary_summary()
    except DatabaseError as exc:
        log.warning("health: database unreachable: %s", exc)
        report["database"] = {"ok": False, "error": type(exc).__name__}
        report["workers"] = None
        report["queue"] = None
        report["canary"] = None
        return report
    report["database"] = {"ok": True, "vendor": connection.vendor}
    report["workers"] = {
        "alive": live_count,
        "last_heartbeat_at": last_heartbeat,
        "stale_after_s": settings.HEALTH_WORKER_STALE_S,
    }
    report["queue"] = {
        "queued": counts.get(FileRequest.Status.QUEUED, 0),
        "running": counts.get(FileRequest.Status.RUNNING, 0),
    }
    report["canary"] = canary
    report["healthy"] = live_count > 0
    return report


def canary_summary() -> dict:
    """The layout canary's last run: its status, when, and which pages were refused and why."""
    run = CanaryRun.objects.order_by("-finished_at", "-id").first()
    if run is None:
        return {"status": "never_run"}
    return {
        "status": run.outcome,
        "checked_at": run.finished_at,
        "pages": len(run.pages),
        "refused": [
            {"page": page["label"], "detail": page["detail"]}
            for page in run.pages
            if page["status"] == "refused"
        ],
        "unreachable": sum(1 for page in run.pages if page["status"] == "unreachable"),
    }
