"""The screens of failforward: one Screen subclass per module, and the widgets only they use."""
