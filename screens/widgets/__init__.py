"""Widgets the screens share: the form fields, text entry and the long-answer text area, the guide and its renderer."""
