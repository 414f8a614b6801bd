"""A bare Django project with one view returning "hello": the ceiling of the stack for
``bench_load.py`` (same gunicorn, same worker count, same load generator). Not Duban."""
