"""Campaigns (专项行动) and roll-call (叫应): a rule sent down to every grid as per-target checklists."""
