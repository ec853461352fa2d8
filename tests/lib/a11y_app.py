#!/usr/bin/python3
"""A GTK 3 application, as any app talks to the accessibility bus (GTK's own
bridge): a window titled TITLE, at X pixels from the left, showing TITLE
and one button, "Fetch", that fetches URL and logs what came back to stdout
(also when a screen reader clicks it). Prints "shown" once the window is
mapped.

    a11y_app.py TITLE URL X"""
import sys
import urllib.request

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402

title, url, x = sys.argv[1], sys.argv[2], int(sys.argv[3])


def fetch(_button):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            print("fetched", r.read().decode().strip(), flush=True)
    except OSError as e:
        print("fetch failed", e, flush=True)


win = Gtk.Window(title=title)
win.move(x, 40)
win.set_default_size(360, 160)
box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=12)
label = Gtk.Label()
label.set_markup('<span size="xx-large">%s</span>' % GLib.markup_escape_text(title))
box.pack_start(label, False, False, 8)
button = Gtk.Button(label="Fetch")
button.connect("clicked", fetch)
box.pack_start(button, False, False, 8)
win.add(box)
win.connect("destroy", Gtk.main_quit)
win.connect("map-event", lambda *_: print("shown", flush=True))
win.show_all()
GLib.timeout_add_seconds(120, Gtk.main_quit)
Gtk.main()
