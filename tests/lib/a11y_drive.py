#!/usr/bin/python3
"""What a screen reader does, and what an attacker on the accessibility bus
would: on the bus (AT_SPI_BUS_ADDRESS, or org.a11y.Bus's answer on the
session bus), every application it can reach, found two ways (the registry's
list of applications, and every unique name on the bus, asked directly), is
walked through org.a11y.atspi.Accessible; each object named LABEL that has
an action gets DoAction(0) (a click).

    a11y_drive.py list          prints "app TITLE" for every window reached
    a11y_drive.py click LABEL   clicks; prints "clicked N" (exit 0 if N > 0)

Every refusal is printed ("refused NAME: error")."""
import os
import sys

from gi.repository import Gio, GLib

ACC = "org.a11y.atspi.Accessible"


def bus_address():
    addr = os.environ.get("AT_SPI_BUS_ADDRESS")
    if addr:
        return addr
    session = Gio.bus_get_sync(Gio.BusType.SESSION)
    reply = session.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None,
                              GLib.VariantType("(s)"), 0, 5000)
    return reply.unpack()[0]


conn = Gio.DBusConnection.new_for_address_sync(
    bus_address(), Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
refusals = set()


def call(name, path, iface, method, args=None, reply=None):
    try:
        return conn.call_sync(name, path, iface, method, args, GLib.VariantType(reply) if reply else None,
                              0, 3000).unpack()
    except GLib.Error as e:
        refusals.add("%s: %s" % (name, e.message))
        return None


def prop(name, path, iface, what):
    r = call(name, path, "org.freedesktop.DBus.Properties", "Get", GLib.Variant("(ss)", (iface, what)), "(v)")
    return r[0] if r else None


def roots():
    found = []
    kids = call("org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root", ACC, "GetChildren", None, "(a(so))")
    if kids:
        found += kids[0]
    names = call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ListNames", None, "(as)")
    for n in (names[0] if names else []):
        if n.startswith(":") and n != conn.get_unique_name():
            found.append((n, "/org/a11y/atspi/accessible/root"))
    return found


def walk(name, path, seen, depth=0):
    if (name, path) in seen or depth > 12:
        return
    seen.add((name, path))
    yield name, path, depth
    kids = call(name, path, ACC, "GetChildren", None, "(a(so))")
    for k in (kids[0] if kids else []):
        yield from walk(k[0], k[1], seen, depth + 1)


def main():
    what = sys.argv[1]
    seen, clicked = set(), 0
    for name, path in roots():
        for n, p, depth in walk(name, path, seen):
            label = prop(n, p, ACC, "Name")
            if what == "list" and depth == 1 and label:
                print("app", label)
            if what == "click" and label == sys.argv[2]:
                ifaces = call(n, p, ACC, "GetInterfaces", None, "(as)")
                if ifaces and "org.a11y.atspi.Action" in ifaces[0]:
                    if call(n, p, "org.a11y.atspi.Action", "DoAction", GLib.Variant("(i)", (0,)), "(b)"):
                        clicked += 1
    for r in sorted(refusals):
        print("refused", r)
    if what == "click":
        print("clicked", clicked)
        sys.exit(0 if clicked else 1)


main()
