"""The only code that knows how clients and calls appear in source.

model.py holds what the analysis finds; collect.py walks a module once; flow.py evaluates what the
walk recorded into clients and calls; project.py is the repository pre-pass that tells each module
what the others export.
"""
