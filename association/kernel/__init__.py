"""The shared kernel: helpers every app builds on. It imports no project app — not even the association's
own records — so any layer may use it (the import-linter contract in pyproject.toml enforces this)."""
