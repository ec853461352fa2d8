[profile]
display = x11, mir
own-dirs = ../outside, .local/share/torgate
[session-bus]
talk = :1.42, org..x, --own=org.evil
call = org.example.App=@relative
