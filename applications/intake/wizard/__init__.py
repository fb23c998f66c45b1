"""The application wizard (``view.ApplyWizard``) and what it is made of: the roles chosen, the address proven."""
