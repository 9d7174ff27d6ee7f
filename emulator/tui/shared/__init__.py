"""Widgets and helpers both inspectors use: script, lists, variables, heatmap, picture, text."""
