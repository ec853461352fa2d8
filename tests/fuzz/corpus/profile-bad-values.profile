[profile]
mode = tor
dns = clearnet
host-services = tcp/0,udp/65536,sctp/1,tcp/
