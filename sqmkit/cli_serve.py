"""``sqmkit serve PROFILE``: the live preview (:mod:`sqmkit.serve`) as a command."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from .cli_workspace import find_workspace, workspace_option
from .errors import ProfileError
from .messages import _


def _say(message: str) -> None:
    click.echo(message, err=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """Ctrl-C and a polite kill stop the server cleanly (even where SIGINT was ignored, as for a
    job started in the background by a script)."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


@click.command()
@click.argument("client")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="the port on 127.0.0.1 (0: any free port)")
@workspace_option
def serve(client: str, port: int, workspace: str | None) -> None:
    """Preview a client's handbook site (CLIENT: a client id of the workspace, or a profile file),
    rebuilt and reloaded as the profile, plugins or templates change."""
    from .serve import Preview
    from .workspace import resolve_target

    path, _ws = resolve_target(client, find_workspace(workspace))
    if not path.is_file():
        raise ProfileError(str(path), "", _("the profile file does not exist"))
    try:
        preview = Preview(path, port, say=_say)
    except OSError as exc:
        raise click.ClickException(_("cannot listen on 127.0.0.1:{port}: {reason}").format(
            port=port, reason=exc.strerror or exc)) from None
    _say(_("building the preview of {profile}").format(profile=path))
    preview.start()
    click.echo(_("Serving on {url} (Ctrl-C to stop)").format(url=preview.url))
    _stop_on_signals()
    try:
        preview.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    _say(_("stopped"))
