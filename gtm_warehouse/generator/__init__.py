"""Synthetic go-to-market data generator: Segment events plus CRM, product, support, ads, surveys
and privacy sources, driven by a hidden-intent funnel, with ground truth for testing the warehouse.

Entry point: :func:`gtm_warehouse.generator.run.generate` (CLI: ``scripts/generate_data.py``).
"""
from .config import GeneratorConfig, parse_as_of

__all__ = ["GeneratorConfig", "parse_as_of", "generate"]


def generate(cfg: GeneratorConfig, workers: int | None = None) -> dict:
    from .run import generate as _generate
    return _generate(cfg, workers=workers)
