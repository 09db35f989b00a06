"""English dates written out in full ("December 1, 2026"), as the site always has."""

DATE_FORMAT = "F j, Y"
