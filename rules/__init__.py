"""resilint's analysis core: parse once, walk once, dispatch to rules. Never imports pygls."""
