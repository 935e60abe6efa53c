"""``deskapp cti serve --port N --token T``: the CTI listener as a station service (Zammad's generic CTI).

A PBX bridge that posts to Zammad's ``…/api/v1/cti/<token>`` works unchanged when pointed at
``http://127.0.0.1:N/api/v1/cti/<token>``. The listener takes 127.0.0.1 only, never another
address. The token may come from ``DESKAPP_CTI_TOKEN`` instead of the command line, where other
users of the computer could read it in the process list.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands
    from deskapp.core.services.calls.log import CallRow

MIN_TOKEN = 16


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(_("expected a port number from 0 to 65535, got {value!r}").format(
            value=text[:40]))
    return int(text)


def register(subparsers: Subcommands) -> None:
    """Add the ``cti`` command."""
    cti = subparsers.add_parser("cti", help=_("the CTI listener for a telephone system")).add_subparsers(
        dest="cti_what", metavar="WHAT", required=True)
    serve = cti.add_parser(
        "serve", help=_("listen on 127.0.0.1 for call events (Zammad's generic CTI)"),
        description=_("Listen on 127.0.0.1 for newCall, answer and hangup events a PBX bridge posts to "
                      "/api/v1/cti/TOKEN, and keep the call log. Stop with Ctrl+C."))
    serve.add_argument("--port", type=_port, required=True, metavar="N",
                       help=_("the port to listen on (0: any free port)"))
    serve.add_argument("--token", metavar="T",
                       help=_("the secret the bridge puts in the URL (default: DESKAPP_CTI_TOKEN); "
                              "at least 16 characters"))
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from deskapp.cli.common import EXIT_USAGE, console, error, open_database
    from deskapp.core.services.calls.cti_server import CtiListener

    token = args.token or os.environ.get("DESKAPP_CTI_TOKEN", "")
    if len(token) < MIN_TOKEN:
        error(_("Give a token of at least 16 characters with --token or DESKAPP_CTI_TOKEN."))
        return EXIT_USAGE
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    engine = open_database(args)
    actor = console(engine)
    try:
        listener = CtiListener(engine, actor, token, args.port, on_call=_say)
    except OSError as exc:
        error(_("Cannot listen on 127.0.0.1:{port}: {reason}").format(port=args.port, reason=exc.strerror or exc))
        return 1
    print(_("Listening on http://127.0.0.1:{port}/api/v1/cti/…; Ctrl+C stops.").format(port=listener.port),
          file=sys.stderr, flush=True)
    try:
        listener.serve_forever()
    finally:
        listener.close()
    return 0


def _say(row: CallRow, event: str) -> None:
    # The call's id and what happened; the number stays out of logs.
    logging.getLogger("deskapp.cti").info("%s %s", event, row.call_id)
