"""The dashboard: every open brief, the most stuck first."""
