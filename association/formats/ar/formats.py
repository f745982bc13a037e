# The decimal point and the thousands separator of Saudi print (see association.kernel.numbers); every other
# format comes from Django's Arabic locale.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
