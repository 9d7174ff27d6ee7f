"""Lookup tables for exp and log as the Scratch MLP imports them, with their generator and error report."""
