"""Serve the built React app's index.html for every front-end route."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie
def spa_index(request: HttpRequest) -> HttpResponse:
    index = settings.FRONTEND_DIST / "index.html"
    if index.exists():
        return HttpResponse(index.read_text(), content_type="text/html")
    # Front end not built (e.g. a bare API install): a plain sign-in page still works.
    return render(request, "signin.html", status=200)
