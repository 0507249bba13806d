"""``python -m logistica.cli``: the same as the ``logistica`` command."""

from .app import main

if __name__ == "__main__":
    main()
