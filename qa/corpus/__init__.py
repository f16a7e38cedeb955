"""The corpus layer: text to statement records. Files, articles, JSONL and CSV rows are read
(files, loading); each line or article is cut into attributed passages (parser, clauses,
articles, subjects, subject_words, appositives, cues, attribution, quotes), people named in an
article are followed from one mention to the next (people, references), dates are read and
ordered (dates, written_dates for a record's own date field, feed), and what the text does not say comes from the gazetteer. Nothing here
knows questions, indexes or terminals.

May import: the base modules (qa.errors, qa.settings, qa.text) and qa.data. Nothing above.
"""
