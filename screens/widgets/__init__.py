"""Widgets the screens share: the form fields, the guide view and its Markdown renderer."""
