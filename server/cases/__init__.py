"""Cases (GB/T 30428 loop) opened from hazard and city-management reports; for now only `reported`."""
