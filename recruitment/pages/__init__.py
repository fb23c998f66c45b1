"""The Wagtail pages of recruitment: calls (``calls``) and roles (``roles``), re-exported by ``recruitment.models``."""
