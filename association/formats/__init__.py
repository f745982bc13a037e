"""Number formats Django uses when it localises a number itself (the admin's lists, a number printed
without a filter). Saudi readers take a comma for the thousands separator: the Arabic locale's «1500,00»
reads as a different amount. The portal's own pages use ``association.kernel.numbers`` (the same rule)."""
