"""Configuration from the environment: DATABASE_URL picks the engine, HEATLEDGER_DATA_DIR the files."""
import os
import secrets
from pathlib import Path

from sync.jsontext import compact


def data_dir() -> Path:
    path = Path(os.environ.get("HEATLEDGER_DATA_DIR") or Path(__file__).resolve().parent.parent / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def _secret_key(folder: Path) -> str:
    """SECRET_KEY from the environment, else one made once and kept beside the data (never a constant)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = folder / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(folder: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'heatledger.db'}"
    if url.startswith("postgres://"):  # the form many hosts hand out
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# Compact UTF-8 JSON text (names and notes are Chinese), by an encoder built once: how JSON columns are
# written, and the same text Flask answers with (ensure_ascii off in create_app, compact outside debug).
JSON_TEXT = compact()


def load(overrides: dict | None = None) -> dict:
    folder = Path(overrides["DATA_DIR"]) if overrides and "DATA_DIR" in overrides else data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "DATA_DIR": str(folder),
        "SECRET_KEY": _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": _database_url(folder),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "json_serializer": JSON_TEXT},
        "ATTACHMENTS_DIR": str(folder / "attachments"),
        "DOCUMENTS_DIR": str(folder / "documents"),
        "PWA_DIST": str(Path(__file__).resolve().parent.parent / "pwa" / "dist"),
        "CONSOLE_DIST": str(Path(__file__).resolve().parent.parent / "console" / "dist"),
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
        "TOKEN_DAYS": int(os.environ.get("HEATLEDGER_TOKEN_DAYS", "30")),
        "SCHEDULER": os.environ.get("HEATLEDGER_SCHEDULER", "1") != "0",
        "JSON_AS_ASCII": False,
    }
    config.update(overrides or {})
    return config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
