"""`python manage.py jma_replay --port 8765`: serve generated JMA pages for tests and demos."""

from __future__ import annotations

import signal
from argparse import RawDescriptionHelpFormatter
from types import FrameType

from django.core.management.base import BaseCommand, CommandError, CommandParser

from batch.jma.replay import ReplayOptions, make_server

HELP = """Serve JMA daily pages (daily_s1.php / daily_a1.php) in JMA's real markup, generated
deterministically from (block_no, year, month), for tests, benchmarks and the offline demo;
and the hourly and 10-minute pages (hourly_s1.php, hourly_a1.php, 10min_s1.php, 10min_a1.php,
with &day=D) the daily pages link, consistent with the daily values. Also a station's annual
values (annually_s.php, annually_a.php) and records (rank_s.php; rank_a.php answers a layout
nobody has checked, so the rank_a parser's refusal can be seen), faults as below plus
fault=unit (a changed unit). Point JMA_BASE_URL at http://HOST:PORT.

Faults per request, as query parameters of a page URL or as a path prefix that a JMA_BASE_URL
can carry (http://HOST:PORT/_faults/fail_first=2,fail_status=503/stats/etrn/view/...):
  fault=nodata|layout|rename|shift  no-data page | an extra column | a renamed header |
                                    day rows one cell short of the header
  fail_first=K [fail_status=503]    the first K requests of each page URL fail with that status
  fail=500|503                      every request fails with that status
  delay_ms=N                        answer after N ms

Server-wide faults: the options below, or the environment variables JMA_REPLAY_NO_DATA_BLOCKS,
JMA_REPLAY_LAYOUT_BLOCKS, JMA_REPLAY_FAIL_BLOCKS (comma-separated block numbers),
JMA_REPLAY_FAIL_FIRST, JMA_REPLAY_FAIL_STATUS, JMA_REPLAY_DELAY_MS (options win).
JMA_REPLAY_SAVED_PAGES / --saved-pages DIR: JMA's own saved pages (each naming its address in
its first comment, as tests/real_pages do) answer those addresses as they are.

Service endpoints: /_replay/health, /_replay/stats (request counts as JSON), /_replay/reset.
No-data pages also come, deterministically, for months after today (JST), a1 pages before 1961,
a1 stations before their observation start (months before 2000 only), and a station asked for
on the other page type; hourly and 10-minute pages for days without daily data and from today on."""


class Command(BaseCommand):
    help = HELP
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any)")
        parser.add_argument("--no-data-blocks", help="block_nos that answer the no-data page")
        parser.add_argument("--layout-blocks", help="block_nos that answer a changed layout")
        parser.add_argument("--fail-blocks", help="block_nos that always answer --fail-status")
        parser.add_argument(
            "--fail-first", type=int, help="first K requests of each page URL fail (bursts)"
        )
        parser.add_argument("--fail-status", type=int, help="status for failures (default 503)")
        parser.add_argument("--delay-ms", type=int, help="delay every page by N ms")
        parser.add_argument(
            "--saved-pages",
            metavar="DIR",
            help="serve the real JMA pages saved in DIR at their addresses (e.g. tests/real_pages)",
        )

    def handle(self, *args: object, **opts: object) -> None:
        changes = {
            name: opts[name]
            for name in (
                "no_data_blocks",
                "layout_blocks",
                "fail_blocks",
                "fail_first",
                "fail_status",
                "delay_ms",
                "saved_pages",
            )
            if opts.get(name) is not None
        }
        try:
            options = ReplayOptions.from_env().with_changes(**changes)
            server = make_server(str(opts["host"]), int(opts["port"]), options)  # type: ignore[arg-type]
        except (OSError, ValueError) as exc:
            raise CommandError(f"jma_replay: cannot start: {exc}") from exc

        def stop(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(
            f"jma_replay: serving on {server.base_url} ({options.describe()})", ending="\n"
        )
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            self.stdout.write("jma_replay: stopped")
