"""Python-described Scratch programs, their NumPy references, and the data they train on."""
