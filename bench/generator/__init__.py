"""Generated agencies, people and projects at national scale, for the
benchmarks and the drills (``manage.py generate_load_data``). Installed only
when ``DJANGO_BENCH_TOOLS`` is on (and in the test suite), never in
production."""
