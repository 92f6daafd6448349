"""Readers (and, for VRPLIB, writers) of public benchmark formats: M3 forecasting series,
Solomon and VRPLIB routing instances and solutions, Trigeiro lot-sizing instances and the
Curtois & Qu shift-scheduling instances. Where the files are is always the caller's argument.
"""
