"""The explore page: public worlds sorted, searched, tagged and paginated."""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from worlds.models import ModerationStatus, Visibility, World

SORTS = {
    "newest": "Newest",
    "trending": "Trending",
    "most_remixed": "Most remixed",
}
TRENDING_DAYS = 7
PER_PAGE = 24


def public_worlds() -> QuerySet[World]:
    return (
        World.objects.filter(visibility=Visibility.PUBLIC, deleted_at__isnull=True)
        .exclude(moderation_status=ModerationStatus.HIDDEN)
        .select_related("owner")
    )


def _search(worlds: QuerySet[World], query: str) -> QuerySet[World]:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = (
            SearchVector("title", weight="A")
            + SearchVector("description", weight="B")
            + SearchVector("prompt", "character", weight="C")
        )
        search = SearchQuery(query, search_type="websearch")
        tag = Q(tags__name__iexact=query.strip().lower())
        return worlds.annotate(document=vector).filter(Q(document=search) | tag).distinct()
    words = [word for word in query.split() if word][:8]
    condition = Q()
    for word in words:
        condition &= (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(prompt__icontains=word)
            | Q(character__icontains=word)
            | Q(tags__name__iexact=word.lower())
        )
    return worlds.filter(condition).distinct()


def world_explore(
    *, sort: str = "newest", query: str = "", tag: str = "", page: int | str = 1
) -> Page:
    worlds = public_worlds()
    if tag:
        worlds = worlds.filter(tags__name=tag.lower())
    if query.strip():
        worlds = _search(worlds, query.strip()[:200])
    if sort == "trending":
        since = timezone.now() - timedelta(days=TRENDING_DAYS)
        worlds = worlds.annotate(
            recent_plays=Count("plays", filter=Q(plays__created_at__gte=since), distinct=True),
            recent_remixes=Count(
                "remixes", filter=Q(remixes__created_at__gte=since), distinct=True
            ),
        ).order_by(-(F("recent_plays") + F("recent_remixes")), "-created_at", "-id")
    elif sort == "most_remixed":
        worlds = worlds.order_by("-remix_count", "-created_at", "-id")
    else:
        worlds = worlds.order_by("-created_at", "-id")
    return Paginator(worlds, PER_PAGE).get_page(page)


def popular_tags(limit: int = 16) -> list[str]:
    from worlds.models import Tag

    return list(
        Tag.objects.filter(worlds__visibility=Visibility.PUBLIC, worlds__deleted_at__isnull=True)
        .annotate(n=Count("worlds"))
        .order_by("-n", "name")
        .values_list("name", flat=True)[:limit]
    )
