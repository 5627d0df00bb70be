"""WTForms forms of the fund's own pages (those that are not a model's add or edit form)."""
