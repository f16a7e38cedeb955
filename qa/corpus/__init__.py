"""The corpus layer: text to statement records. Files and folders are found and their formats
told (paths), their metadata read (meta), and their text, articles, Markdown, JSONL, CSV and
JSON records read (files, markdown, loading); what a loaded corpus holds is counted per file
(inventory); each line or article is cut into attributed passages (parser, clauses,
articles, subjects, subject_words, appositives, cues, attribution, quotes), people named in an
article are followed from one mention to the next (people, references), dates are read and
ordered (dates, written_dates for a record's own date field, feed), and what the text does not say comes from the gazetteer. Nothing here
knows questions, indexes or terminals.

May import: the base modules (qa.errors, qa.settings, qa.text) and qa.data. Nothing above.
"""
