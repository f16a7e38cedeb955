"""The Milvus store: a Milvus collection (a server, or Milvus Lite in a `.db` file) with its
schema and catalog (collection) and the row one statement becomes (rows), built in batches from
the corpus (batches, build), filter trees as Milvus expressions (where), and read through the
Store interface (store), which hands on to the records (records), the keyword index (keywords)
and filter trees (filters), each calling the collection through calls.

May import: the rest of qa.store below the factory, qa.corpus, qa.model and the base modules.
Never qa.store.embedded.
"""
