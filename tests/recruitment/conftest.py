"""Fixtures the recruitment tests share."""

from tests.applications.teams_world import cities, two_cities_world  # noqa: F401 - fixtures: cities X and Y, shared
