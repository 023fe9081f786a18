"""Renderers: each turns the one document model into one kind of output."""
