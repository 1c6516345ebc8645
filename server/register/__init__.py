"""The resident register: buildings, households and the people in them, per grid."""
