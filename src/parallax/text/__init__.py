"""The text layer every stage and corpus mode share: words, dates, numbers, near-duplicates.

* ``words``: tokenising, stemming (Snowball) and the one stop-word list;
* ``dates``: explicit, weekday and relative dates resolved against a publication date;
* ``numbers``: number words, digits, scales, qualifiers and ranges (one grammar);
* ``neardup``: near-duplicate texts by MinHash signatures over word shingles, with LSH.
"""
