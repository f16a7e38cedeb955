"""Stores: what answering reads from an index, whatever holds it. The interface (base), the
filter tree it is asked with (where), the per-row facts every backend keeps (facts) and the
corpus fingerprint a store is built under (fingerprint) sit under two backends side by side:
the embedded index on disk (embedded) and a Milvus collection (milvus). factory opens the one
the settings name.

May import: qa.corpus, qa.model and the base modules. The backends never import each other,
and nothing here imports the question reader, the answering layer or anything that prints.
"""
