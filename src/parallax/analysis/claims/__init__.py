"""Claims: sentences grouped into facts across outlets, their alignment, who covers what, independent
support, the cited summary.
"""
