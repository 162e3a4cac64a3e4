"""收费台账: daily, weekly, monthly and season ledgers, and the day close (DOMAIN.md §6)."""


def init_app(app):
    from .routes import bp
    app.register_blueprint(bp)
