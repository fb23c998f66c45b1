"""Storage for applicants' files: never reachable by URL, readable only by the portal's user."""

from typing import Any

from django.core.files.storage import FileSystemStorage

#: Applicants' files and exports: owner read/write only; their folders owner only.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIRECTORY_MODE = 0o700


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private storage. Its files have no URL: views stream them after a permission check.

    Files are written 0600 and folders 0700 whatever the process's umask, so no other
    account on the machine can read them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", PRIVATE_FILE_MODE)
        kwargs.setdefault("directory_permissions_mode", PRIVATE_DIRECTORY_MODE)
        super().__init__(*args, **kwargs)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")
