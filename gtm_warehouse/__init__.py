"""Python side of the GTM warehouse: raw contract, demo data generator and raw loader."""
