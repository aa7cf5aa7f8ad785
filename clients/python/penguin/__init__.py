"""``from penguin.web import PenguinAPI``, as Penguin's scripts write it, served by Floe's client."""
