"""The per-folder cache: each input file's normalized copy and its share of the aggregates.

keys.py    what identifies a file's content (path, size, mtime, inode, a hash of its head) and
           the settings its normalized rows depend on
store.py   where entries live, their manifests, their partial aggregates, eviction, clearing
plan.py    per file of a run: reuse the entry, read only the appended end, or read it whole
merge.py   merging the partial aggregates of all files into the run's results (no Spark)
"""
