"""Analysis: folding, segmentation and tokens; names across languages and scripts.

Traditional→Simplified and width folding happen before the segmenter sees the text; tokens
keep offsets into the original text so highlights land on what the reader sees. The
analyzer classes are pickled into the index's schema, so their module paths are stable.
"""
