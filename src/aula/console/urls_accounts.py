"""Console pages: accounts."""

urlpatterns = []
