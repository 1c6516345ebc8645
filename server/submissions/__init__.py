"""Form submissions made in the field (household visits, ...), as they arrive by sync push."""
