from django.urls import path

from cms.page_cache import public_cache

from .feeds import NewRolesFeed

app_name = "recruitment"
urlpatterns = [path("roles/feed.atom", public_cache(NewRolesFeed()), name="roles_feed")]
