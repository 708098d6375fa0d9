"""TEMPORARY (delete when the lead wires the app): the project's URLs plus the comments API
under /api/."""

from django.urls import include, path

from backend.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/", include("moderation.comments.urls")),
    *project_urlpatterns,
]
