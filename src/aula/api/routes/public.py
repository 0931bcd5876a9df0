"""Public routes, no token: projects, published events with their agenda, partners, contact."""

from ninja import Router

router = Router(tags=["public"])
