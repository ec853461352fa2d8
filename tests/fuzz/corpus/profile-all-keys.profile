[profile]
mode = tor
dns = none
lan = deny
host-services = tcp/631, udp/5353
proxy-env = yes
user-namespaces = allow
