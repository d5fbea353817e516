"""`python -m app`. The guard matters: a worker process ("spawn") re-imports this module as __mp_main__."""
from app.main import main

if __name__ == "__main__":
    raise SystemExit(main())
