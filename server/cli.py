"""Commands: `flask --app server demo-seed [--households N]`, `rotate-epoch`, `backup PATH`, `restore PATH`."""
from pathlib import Path

import click
import sqlalchemy as sa

from .extensions import db


def init_app(app):
    @app.cli.command("demo-seed")
    @click.option("--households", default=600, show_default=True, type=click.IntRange(10, 200000))
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def demo_seed(households, if_empty):
        """Fill an empty database with the demo data of PROTOCOL.md."""
        from .demo import seed
        from .models import User
        if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
            if if_empty:
                click.echo("demo-seed: the database has data; left as it is")
                return
            raise click.ClickException("demo-seed needs an empty database (it has users already)")
        summary = seed(households)
        from .stats import gather
        gather(db.engine)  # a bulk load: the planner's statistics of it now, not at the next refresh
        click.echo(f"demo-seed: {summary}")

    @app.cli.command("analyze")
    def analyze():
        """Gather the planner's statistics (server/stats.py): after `db upgrade`, after a bulk import."""
        from .stats import gather
        gather(db.engine)
        click.echo("analyze: planner statistics gathered")

    @app.cli.command("rotate-epoch")
    def rotate_epoch():
        """After restoring a backup: make every phone's cursor invalid, so phones take a fresh snapshot."""
        from .changes import rotate_epoch as rotate
        click.echo(f"epoch: {rotate()}")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path):
        """Write a consistent copy of the database to PATH while the server runs (server/backup.py)."""
        from .backup import BackupError, backup
        try:
            click.echo(f"backup: {backup(path)} → {path}")
        except BackupError as e:
            raise click.ClickException(str(e)) from None

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
    def restore_command(path):
        """Put the backup at PATH in place of the database and rotate the epoch (stop the server first)."""
        from .backup import BackupError, restore
        try:
            click.echo(f"restore: done; epoch {restore(path)} (every phone takes a fresh snapshot)")
        except BackupError as e:
            raise click.ClickException(str(e)) from None
