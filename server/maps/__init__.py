"""一张图: grid and community boundaries, building points, and the map data phones and the desk draw."""
