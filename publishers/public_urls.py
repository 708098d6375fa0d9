from django.urls import URLPattern

# The school website feed (public pages) is mounted here.
urlpatterns: list[URLPattern] = []
