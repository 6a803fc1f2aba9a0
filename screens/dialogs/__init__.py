"""Dialogs: modal screens that ask one thing and return a typed answer.

Each module is imported where it is first needed (the home screen opens the
setback dialog only when asked), so this package imports nothing itself.
"""
