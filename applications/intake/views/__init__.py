"""Public pages of the application side, one module per page: the wizard (``apply``), saving and
resuming drafts (``drafts``), the receipt (``receipt``) and the manage link (``manage``).

Thin: forms check input, ``services`` write, the wizard's steps live in ``steps.STEPS``.
"""
