"""Reverse ETL: validated, diff-based, atomic file exports of the marts for every destination declared in
models/exposures/_reverse_etl__exposures.yml (docs/REVERSE_ETL.md)."""
from gtm_warehouse.reverse_etl.config import Destination, ExportError, SyncObject, load_destinations, select
from gtm_warehouse.reverse_etl.sync import ObjectResult, Warehouse, run_export

__all__ = ["Destination", "ExportError", "ObjectResult", "SyncObject", "Warehouse", "load_destinations",
           "run_export", "select"]
