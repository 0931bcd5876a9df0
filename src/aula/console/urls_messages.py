"""Console pages: messages."""

urlpatterns = []
