"""PostgreSQL for Aula: Django's own backend with a health check that costs no round trip
(``base.DatabaseWrapper``). ``config.database`` names it as the ENGINE of a PostgreSQL URL."""
