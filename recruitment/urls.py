from django.urls import path

from .feeds import NewRolesFeed

app_name = "recruitment"
urlpatterns = [path("roles/feed.atom", NewRolesFeed(), name="roles_feed")]
