"""Fitting the learned parts on the shared data: the check-worthiness classifier and the
reader. Each is reproduced by `python -m checker train ...` on CPU.

The top of the stage stack: it may use every stage below (claims, evidence, compare, evaluate).
"""
