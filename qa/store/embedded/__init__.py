"""The embedded store: an index folder of plain files in generations (generations, manifest),
the vectors (dense), the keyword index (keywords), the per-row facts (facts), the statement
records (records), written by build, opened by index and read through the Store interface by
store; collections lists the index folders of several corpora, warm pre-faults a loaded index.

May import: the rest of qa.store below the factory, qa.corpus, qa.model and the base modules.
Never qa.store.milvus.
"""
