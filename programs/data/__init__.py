"""Data files the Scratch programs import as lists."""
