"""Cleaning: page furniture out of the analysed text, normalisation with offset maps."""
