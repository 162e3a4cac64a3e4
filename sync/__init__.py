"""HeatLedger sync core: pure rules of money, operations and merging (no I/O, no clock)."""
