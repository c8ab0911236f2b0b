#!/usr/bin/env python
"""Django's command-line utility for Tidepool."""

import os
import sys
from pathlib import Path


def main() -> None:
    # The project installs itself in editable mode; this keeps a plain checkout working too.
    root = Path(__file__).resolve().parent
    for source_root in (root, root / "platform"):
        if str(source_root) not in sys.path:
            sys.path.insert(0, str(source_root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidepool.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
