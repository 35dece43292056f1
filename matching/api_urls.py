"""REST API routes of the matching app (mounted under /api/v1/)."""

urlpatterns: list = []
