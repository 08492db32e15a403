"""Where files come from: a working directory or a git commit read in place (``trees``,
``gittree``, ``gitrepo``), a workflow laid over a commit (``overlay``), and the first-parent
history predict walks (``history``). Nothing here knows about CI platforms or caches."""
