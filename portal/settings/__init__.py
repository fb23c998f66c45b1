"""Settings modules: ``local`` (make run), ``test`` (pytest) and ``production``."""
