"""Every console delete asks first (console/confirm.py); a test that means to delete says so."""

CONFIRMED = {"confirmed": "yes"}
