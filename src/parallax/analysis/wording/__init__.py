"""Wording: how each outlet names things (framing), judgement-laden words, entities across outlets,
damaged text.
"""
