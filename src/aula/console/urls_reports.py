"""Console pages: reports."""

urlpatterns = []
