"""Public pages at the site root (no login): the school website channel and the signed
image links Instagram fetches from."""

from django.urls import path

from publishers.website import views

urlpatterns = [
    path("news/<slug:school_slug>/", views.news_list, name="website-news"),
    path("news/<slug:school_slug>/feed.rss", views.news_feed_rss, name="website-feed-rss"),
    path("news/<slug:school_slug>/feed.atom", views.news_feed_atom, name="website-feed-atom"),
    path("news/<slug:school_slug>/<int:entry_id>/", views.news_entry, name="website-entry"),
    path(
        "news/<slug:school_slug>/<int:entry_id>/images/<int:position>.jpg",
        views.news_image,
        name="website-image",
    ),
    path("media/p/<str:token>", views.publication_media, name="publication-media"),
]
