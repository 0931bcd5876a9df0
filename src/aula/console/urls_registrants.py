"""Console pages: registrants."""

urlpatterns = []
