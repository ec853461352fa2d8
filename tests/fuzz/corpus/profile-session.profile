[profile]
mode = tor
display = wayland, x11
sound = allow
own-dirs = .mozilla, .config/mozilla, .cache/mozilla/
session-bus = filtered
system-bus = filtered

[session-bus]
see = org.example.Seen
talk = org.freedesktop.Notifications, org.example.*
own = org.example.App
call = org.example.App=org.example.Iface.Method@/org/example/*, org.example.Other=*
broadcast = org.example.App=@/org/example

[system-bus]
talk = org.freedesktop.UPower
