#!/usr/bin/env python3
"""A GTK text entry, as an app's: its window is named TITLE, and every
change of its text is written to OUT, so that a test reads what the user's
typing (through the input method, if any) made of it.

  im_entry.py TITLE OUT
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gtk  # noqa: E402

title, out = sys.argv[1], sys.argv[2]
window = Gtk.Window(title=title)
entry = Gtk.Entry()
window.add(entry)


def save(*_):
    with open(out, "w") as f:
        f.write(entry.get_text() + "\n")


entry.connect("changed", save)
window.connect("destroy", Gtk.main_quit)
window.show_all()
Gtk.main()
