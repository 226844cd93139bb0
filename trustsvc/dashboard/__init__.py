"""The fleet dashboard: server-rendered HTML pages over the stored trust data, under /ui/."""
