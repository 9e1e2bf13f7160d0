"""Site spiders: one small module per site, holding only what is specific to it."""
