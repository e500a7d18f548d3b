"""Logic shared by the function app's two functions.

Submodules are imported on demand, so a function pays only for what it uses:
the sweeper never loads the dialog or HTTP stack.
"""
