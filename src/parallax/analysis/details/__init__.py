"""Details that differ between outlets: numbers and what they count, quotes and their wording, dates
and the timeline.
"""
