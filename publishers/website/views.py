"""Public pages served at the site root: each school's news page, RSS and Atom feeds,
entry images, the comment form (pre-moderated, R11) and Instagram's signed image links.

Nothing here needs a login. Everything shown is filtered by the selectors: only published,
non-withdrawn entries, only approved comments, only the publishable image copies. Pages
are sent with ``Cache-Control: no-cache`` so a withdrawn post disappears at once, also from
caches in between.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed
from django.views.decorators.http import require_GET, require_http_methods

from backend.accounts.models import School
from backend.common.client_address import client_address
from backend.common.errors import DomainError, NotFound
from moderation import interface
from publishers import selectors, services
from publishers.media import media_token_read
from publishers.models import ChannelAccount, ChannelKind, Publication, WebsiteEntry
from publishers.website import links

R = TypeVar("R", bound=HttpResponseBase)

PAGE_SIZE = 20
FEED_SIZE = 30
NO_CACHE = "no-cache, max-age=0"
THANKS = "Thank you. Your comment will appear once the school has approved it."


def _no_cache(response: R) -> R:
    response["Cache-Control"] = NO_CACHE
    return response


def _school(school_slug: str) -> School:
    """The school, if its website feed is not switched off."""
    school = School.objects.filter(slug=school_slug).first()
    if school is None:
        raise Http404("No such school.")
    disabled = ChannelAccount.objects.filter(
        school=school, kind=ChannelKind.WEBSITE, enabled=False
    ).exists()
    if disabled:
        raise Http404("This school's news page is switched off.")
    return school


def _entry(school_slug: str, entry_id: int) -> WebsiteEntry:
    try:
        return selectors.website_entry_visible(school_slug=school_slug, entry_id=entry_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def news_list(request: HttpRequest, school_slug: str) -> HttpResponse:
    school = _school(school_slug)
    entries = selectors.website_entries_visible(school_slug=school.slug)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return _no_cache(
        render(
            request,
            "publishers/news_list.html",
            {
                "school": school,
                "page": page,
                "rss_url": links.feed_url(school.slug, "rss"),
                "atom_url": links.feed_url(school.slug, "atom"),
            },
        )
    )


@require_http_methods(["GET", "POST"])
def news_entry(request: HttpRequest, school_slug: str, entry_id: int) -> HttpResponse:
    school = _school(school_slug)
    entry = _entry(school.slug, entry_id)
    errors: dict[str, str] = {}
    error_status = 400
    form: dict[str, Any] = {"author_name": "", "text": ""}
    if request.method == "POST":
        form = {
            "author_name": request.POST.get("author_name", ""),
            "text": request.POST.get("text", ""),
        }
        if request.POST.get("website"):
            # The honeypot field is invisible to people; only bots fill it in.
            return HttpResponseRedirect(f"{links.entry_path(entry)}?comment=received")
        try:
            services.website_comment_submit(
                entry=entry,
                author_name=form["author_name"],
                text=form["text"],
                client_address=client_address(request),
            )
        except DomainError as error:
            errors[error.field or "text"] = error.message
            error_status = error.status_code  # 429 when rate-limited
        else:
            return HttpResponseRedirect(f"{links.entry_path(entry)}?comment=received")
    response = render(
        request,
        "publishers/news_entry.html",
        {
            "school": school,
            "entry": entry,
            "comments": selectors.website_comments_approved(entry=entry),
            "thanks": THANKS if request.GET.get("comment") == "received" else "",
            "errors": errors,
            "form": form,
            "news_url": links.news_path(school.slug),
        },
        status=error_status if errors else 200,
    )
    return _no_cache(response)


@require_GET
def news_image(
    request: HttpRequest, school_slug: str, entry_id: int, position: int
) -> HttpResponseBase:
    """An entry's image (the publishable copy), only while the entry is visible."""
    school = _school(school_slug)
    entry = _entry(school.slug, entry_id)
    image = next((i for i in entry.images.all() if i.position == position), None)
    if image is None or not image.file:
        raise Http404("No such image.")
    response = FileResponse(image.file.open("rb"), content_type="image/jpeg")
    return _no_cache(response)


def _feed(
    request: HttpRequest, school_slug: str, feed_class: type[SyndicationFeed], content_type: str
) -> HttpResponse:
    school = _school(school_slug)
    news = links.absolute(links.news_path(school.slug))
    feed = feed_class(
        title=f"{school.name} news",
        link=news,
        description=f"News from {school.name}",
        language="en-gb",
        feed_url=links.absolute(request.path),
    )
    for entry in selectors.website_entries_visible(school_slug=school.slug)[:FEED_SIZE]:
        images = list(entry.images.all())
        enclosures = []
        if images:
            first = images[0]
            enclosures = [Enclosure(links.image_url(first), str(first.size), "image/jpeg")]
        feed.add_item(
            title=entry.title,
            link=links.entry_url(entry),
            description=entry.text,
            unique_id=links.entry_url(entry),
            pubdate=entry.published_at,
            updateddate=entry.published_at,
            enclosures=enclosures,
        )
    response = HttpResponse(content_type=content_type)
    feed.write(response, "utf-8")
    return _no_cache(response)


@require_GET
def news_feed_rss(request: HttpRequest, school_slug: str) -> HttpResponse:
    return _feed(request, school_slug, Rss201rev2Feed, "application/rss+xml; charset=utf-8")


@require_GET
def news_feed_atom(request: HttpRequest, school_slug: str) -> HttpResponse:
    return _feed(request, school_slug, Atom1Feed, "application/atom+xml; charset=utf-8")


@require_GET
def publication_media(request: HttpRequest, token: str) -> HttpResponse:
    """The signed, expiring link Instagram fetches an image from: the publishable variant
    (metadata-free, R6), only while its publication is in flight."""
    parsed = media_token_read(token)
    if parsed is None:
        raise Http404("This link is not valid or has expired.")
    publication_id, position = parsed
    pub = Publication.objects.filter(
        pk=publication_id,
        channel=ChannelKind.INSTAGRAM,
        state__in=list(Publication.IN_FLIGHT),
    ).first()
    if pub is None:
        raise Http404("This link is no longer in use.")
    content = interface.post_publishable(post_id=pub.post_id)
    if pub.content_hash and content.content_hash != pub.content_hash:
        raise Http404("This link is no longer in use.")
    if not 0 <= position < len(content.images):
        raise Http404("No such image.")
    response = HttpResponse(content.images[position].data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
