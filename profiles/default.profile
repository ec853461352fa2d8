# The default profile: everything through Tor, for any COMMAND that has no
# profile of its own.
# TCP to any address lands on Tor's TransPort, DNS to the gateway on Tor's
# DNSPort, the gateway's SocksPort port on Tor's SocksPort; nothing else
# leaves the sandbox. Every key but display has its default value; they are
# written out so that this file shows what a profile can say.
# display = wayland (the default is none): a Wayland client reaches its own
#   windows only; X11 is for the profiles that name it.
# No session-bus or system-bus (the default): no bus at all.
[profile]
mode = tor
dns = tor
lan = deny
proxy-env = no
user-namespaces = deny
account = generic
timezone = utc
display = wayland
