"""Console pages: after."""

urlpatterns = []
