"""Allow `python -m crisiswatch`."""

from crisiswatch.cli import main

if __name__ == "__main__":
    main()
