"""One module per area of the API, each a ninja ``Router`` added in ``api/api.py``."""
