"""HeatLedger server: the sync API for phones, the clerks' console, documents and jobs."""
from flask import Flask

from . import config, errors
from .extensions import db, migrate


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(config.load(overrides))
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.MIGRATIONS_DIR))
    errors.init_app(app)
    from . import metrics
    metrics.init_app(app)  # X-Request-Id and GET /metrics (OFFICE.md, Operations)

    from . import models  # noqa: F401  (registers the tables on the metadata)
    from .auth.routes import bp as auth_bp
    from .sync_api.routes import bp as sync_bp
    from .review.routes import bp as review_bp
    from .admin.routes import bp as admin_bp
    from .web.routes import bp as web_bp
    from .openapi import bp as openapi_bp
    from .fees.routes import bp as fees_bp
    from .users.routes import bp as users_bp
    from .audit.routes import bp as audit_bp
    from .households.routes import bp as households_bp
    from .estate.routes import bp as estate_bp
    from .dunning.routes import bp as dunning_bp
    from .imports.routes import bp as imports_bp
    from .suspensions.routes import bp as suspensions_bp
    from .complaints.routes import bp as complaints_bp
    from .refunds.routes import bp as refunds_bp

    for bp in (auth_bp, sync_bp, review_bp, admin_bp, web_bp, openapi_bp, fees_bp, users_bp, audit_bp,
               households_bp, estate_bp, dunning_bp, imports_bp, suspensions_bp, complaints_bp, refunds_bp):
        app.register_blueprint(bp)
    from . import documents, jobs, ledgers
    ledgers.init_app(app)
    documents.init_app(app)
    jobs.init_app(app)  # the scheduled jobs, started with the first request a served app answers

    from .web.routes import init_gzip
    init_gzip(app)

    from . import cli
    cli.init_app(app)
    return app
