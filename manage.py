#!/usr/bin/env python
import os
import sys

# Commands that only read the code and write source files (migrations, the Arabic catalogue), never serve: without
# DEBUG in the environment they run with the development settings. Every other command starts with the settings the
# environment gives (production's refuse to start without their keys, by design).
SOURCE_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "compile_portal_messages"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "association.settings")
    if sys.argv[1:2] and sys.argv[1] in SOURCE_COMMANDS:
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
