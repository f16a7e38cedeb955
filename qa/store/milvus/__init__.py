"""The Milvus store: a Milvus collection (a server, or Milvus Lite in a `.db` file) with its
schema and catalog (collection), built in batches from the corpus (batches, build), filter
trees as Milvus expressions (where), and read through the Store interface (store).

May import: the rest of qa.store below the factory, qa.corpus, qa.model and the base modules.
Never qa.store.embedded.
"""
