from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from taggit.models import Tag

from .models import Category, Country, GuidingPrinciple, Initiative, Organisation, Region, Theme


class InitiativeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 10000

    def items(self):
        return Initiative.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class TermSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        terms = []
        for model in (Region, Country, Theme, GuidingPrinciple, Category, Organisation):
            terms.extend(model.objects.filter(**_has_published(model)).distinct())
        return terms


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        published = Initiative.objects.published().values("pk")
        return (
            Tag.objects.filter(
                taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Initiative),
                taggit_taggeditem_items__object_id__in=published,
            )
            .distinct()
            .order_by("name")
        )

    def location(self, item):
        return reverse("initiatives:tag", kwargs={"slug": item.slug})


class StaticSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return [
            "initiatives:home",
            "initiatives:list",
            "initiatives:regions",
            "initiatives:themes",
            "initiatives:categories",
            "initiatives:countries",
            "initiatives:organisations",
        ]

    def location(self, item):
        return reverse(item)


def _has_published(model):
    if model is Region:
        return {
            "pk__in": Initiative.covered_regions.through.objects.filter(
                initiative__status=Initiative.Status.PUBLISHED
            ).values("region_id")
        }
    return {"initiatives__status": Initiative.Status.PUBLISHED}


sitemaps = {"pages": StaticSitemap, "initiatives": InitiativeSitemap, "terms": TermSitemap, "tags": TagSitemap}
