"""The street's organisation: street, communities, grids and handling departments."""
