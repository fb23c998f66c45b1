"""What the export pipeline raises, apart from its modules so that jobs, rendering and files share them."""


class ExportBusy(Exception):
    """Another render holds the job's lease; try again after it expires."""


class ExportLeaseLost(Exception):
    """This render's lease was taken over (it stalled); it must not write the job any more."""


class ExportLimit(Exception):
    """The user already has ``jobs.PENDING_PER_USER`` jobs of this call in the works; the message says so."""
