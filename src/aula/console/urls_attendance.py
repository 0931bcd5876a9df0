"""Console pages: attendance."""

urlpatterns = []
