"""Console pages: events."""

urlpatterns = []
