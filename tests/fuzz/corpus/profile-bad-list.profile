[profile]
host-services = tcp/631,,tcp/631, udp/53 ,
proxy-env = YES
