from django.apps import AppConfig


class GeneratorConfig(AppConfig):
    name = "bench.generator"
    label = "bench_generator"
    verbose_name = "Load-data generator (development only)"
