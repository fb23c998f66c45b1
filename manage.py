#!/usr/bin/env python
"""Django's command-line utility.

Without ``DJANGO_SETTINGS_MODULE`` it loads the production settings, which refuse to start
without their secrets; the Makefile and Procfile.dev set ``portal.settings.local`` for
development (docs/adr/0005-production-is-the-default-settings.md).
"""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
