"""Answering: a question's understanding turned into filter trees (filters), ranked by hybrid
search over a store (search, which puts in order fusion, coverage, places, relevance, ordering
and notes, with spelling to meet the corpus's words, and returns the records of hits), and
composed into an answer of verbatim passages or an honest abstention (compose); engine loads
the model, store, reader and searcher side by side; listing chooses records for `qa statements`.

May import: qa.question, qa.store, qa.corpus, qa.model and the base modules. Never anything
that prints.
"""
