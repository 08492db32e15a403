"""GitHub's ``hashFiles()`` over any tree: the pattern segments it parses (``segments``), the
two glob flavours (``globbing``) and the hashing loop (``hashfiles``)."""
