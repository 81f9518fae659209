"""resilint's front ends: the command line and the language server."""
