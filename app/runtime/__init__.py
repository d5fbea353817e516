"""Drivers shared by every tab: one coalesced redraw per frame, runs off the GUI thread, the window's navigator."""
