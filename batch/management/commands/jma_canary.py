"""`python manage.py jma_canary`: can we still read JMA's real pages? (daily, from a timer)

Fetches the fixed sample of batch/jma/canary.py at the polite rate and prints one line per
page: parsed, refused (with the column named), unreachable, or unverified (a page type no
parser reads yet, AMeDAS records: its layout is shown for a person to read). Stores the run for
the admin and the health report. Exit status: 0 all parsed, 1 any page refused (JMA changed a
layout: the parser needs work before users hit it), 2 no refusal but some page unreachable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from batch.jma.canary import SAMPLE, PageResult, run_canary
from repository.models import CanaryRun


class Command(BaseCommand):
    help = (
        f"Fetch {len(SAMPLE)} fixed JMA pages (JMA_BASE_URL) and report per page: parsed, "
        "refused (the column named) or unreachable. Exit 1 on any refusal, 2 if only "
        "unreachable. The last result shows in the admin and the health report."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"jma_canary: {len(SAMPLE)} pages from {settings.JMA_BASE_URL}")

        def report(result: PageResult) -> None:
            self.stdout.write(f"{result.status:<11} {result.label}: {result.detail}")
            if result.status != "parsed":
                self.stdout.write(f"{'':<11} {result.url}")

        run = run_canary(report=report)
        counts = {
            status: sum(1 for page in run.pages if page["status"] == status)
            for status in ("parsed", "refused", "unreachable", "unverified")
        }
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        if run.outcome == CanaryRun.Outcome.LAYOUT_CHANGED:
            refused = next(page for page in run.pages if page["status"] == "refused")
            raise CommandError(
                f"jma_canary: layout_changed ({summary}): {refused['label']}: {refused['detail']}",
                returncode=1,
            )
        if run.outcome == CanaryRun.Outcome.UNREACHABLE:
            raise CommandError(f"jma_canary: unreachable ({summary})", returncode=2)
        self.stdout.write(f"jma_canary: all parsed ({summary})")
