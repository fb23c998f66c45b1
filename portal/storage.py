"""Storage for applicants' files: never reachable by URL."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private storage. Its files have no URL: views stream them after a permission check."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")
