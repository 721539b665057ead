"""Provenance: copied passages and word swaps, syndication and near-identical copies, whom each article
cites.
"""
